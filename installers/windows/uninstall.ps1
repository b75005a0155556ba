<#
.SYNOPSIS
Removes the SecPlatform agent installed by install.ps1. Run as Administrator.

.DESCRIPTION
Stops the "secplat-agent" service (the agent drains, flushes its outbox and releases its lease), deletes it and removes
%ProgramFiles%\SecPlatform\Agent. The agent's state (identity, policy, outbox) stays in %ProgramData%\SecPlatform\Agent
so a reinstall picks it up, unless -Purge: then the agent is first deregistered from the control plane (if that fails,
nothing is removed, so it can be retried) and its state is deleted.

.PARAMETER Purge
Also deregister the agent and delete its state.
.PARAMETER DryRun
Print what would be done; change nothing.
#>
[CmdletBinding()]
param(
    [switch] $Purge,
    [switch] $DryRun
)

Set-StrictMode -Version 3
$ErrorActionPreference = 'Stop'
$prog = 'uninstall.ps1'
$serviceName = 'secplat-agent'

$onWindows = ($PSVersionTable.PSEdition -eq 'Desktop') -or $IsWindows
$programFiles = if ($env:ProgramFiles) { $env:ProgramFiles } else { 'C:\Program Files' }
$programData = if ($env:ProgramData) { $env:ProgramData } else { 'C:\ProgramData' }
# Windows paths built as strings: Join-Path would look for drive C: when pwsh runs -DryRun on Linux.
$installDir = $programFiles.TrimEnd('\') + '\SecPlatform\Agent'
$installedExe = $installDir + '\secplat-agent.exe'
$stateDir = $programData.TrimEnd('\') + '\SecPlatform\Agent'
function Get-ParentPath([string] $path) {
    $cut = $path.TrimEnd('\').LastIndexOf('\')
    if ($cut -le 2) { return $null }   # stop at the drive root (C:\)
    $path.Substring(0, $cut)
}

function Say([string] $message) { Write-Host "${prog}: $message" }
function Act([string] $description, [scriptblock] $action) {
    if ($DryRun) { Write-Host "+ $description" } else { & $action }
}
function Invoke-Native([string] $file, [string[]] $arguments) {
    $saved = $ErrorActionPreference
    $ErrorActionPreference = 'Continue'
    try {
        $output = & $file @arguments 2>&1
        $code = $LASTEXITCODE
    } finally {
        $ErrorActionPreference = $saved
    }
    [pscustomobject]@{ ExitCode = $code; Output = (@($output | ForEach-Object { "$_" }) -join ' ') }
}
function Remove-IfEmpty([string] $dir) {
    if ((Test-Path -LiteralPath $dir) -and -not (Get-ChildItem -LiteralPath $dir -Force | Select-Object -First 1)) {
        Act "rmdir $dir" { Remove-Item -LiteralPath $dir -Force }
    }
}

try {
    if ($onWindows -and -not $DryRun) {
        $principal = New-Object System.Security.Principal.WindowsPrincipal([System.Security.Principal.WindowsIdentity]::GetCurrent())
        if (-not $principal.IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator)) {
            throw 'run PowerShell as Administrator'
        }
    }

    $service = if ($onWindows) { Get-Service -Name $serviceName -ErrorAction SilentlyContinue } else { $null }
    if ($service -and $service.Status -ne 'Stopped') {
        Act "Stop-Service $serviceName" { Stop-Service -Name $serviceName }
    }

    # Deregister before anything is removed: if the control plane cannot be reached, stop here so it can be retried.
    if ($Purge -and (Test-Path -LiteralPath ($stateDir + '\agent.db')) -and (Test-Path -LiteralPath $installedExe)) {
        Act "$installedExe deregister --state-dir $stateDir" {
            if ((Invoke-Native $installedExe @('status', '--state-dir', $stateDir)).ExitCode -eq 0) {
                $result = Invoke-Native $installedExe @('deregister', '--state-dir', $stateDir)
                if ($result.ExitCode -ne 0) {
                    throw "could not deregister the agent (nothing was removed): $($result.Output); retry when the control plane is reachable, or delete $stateDir by hand"
                }
            }
        }
    }

    if ($service -or -not $onWindows) {
        Act "sc.exe delete $serviceName" {
            $result = Invoke-Native 'sc.exe' @('delete', $serviceName)
            if ($result.ExitCode -ne 0) { throw "could not delete the service: $($result.Output)" }
        }
    }
    if (Test-Path -LiteralPath $installDir) {
        Act "Remove-Item -Recurse $installDir" { Remove-Item -LiteralPath $installDir -Recurse -Force }
    }
    Remove-IfEmpty (Get-ParentPath $installDir)

    if ($Purge) {
        if (Test-Path -LiteralPath $stateDir) {
            Act "Remove-Item -Recurse $stateDir" { Remove-Item -LiteralPath $stateDir -Recurse -Force }
        }
        Remove-IfEmpty (Get-ParentPath $stateDir)
    } elseif (Test-Path -LiteralPath $stateDir) {
        Say "kept the agent's state in $stateDir (-Purge deregisters and deletes it)"
    }
    Say 'secplat-agent removed'
    exit 0
} catch {
    [Console]::Error.WriteLine("${prog}: $($_.Exception.Message)")
    exit 1
}
