<#
.SYNOPSIS
Installs (or upgrades) the SecPlatform agent as a Windows service. Run as Administrator (Windows PowerShell 5.1 or pwsh 7).

.DESCRIPTION
Checks everything before changing anything (the server answers, its key matches -Pin, the token is well formed, the
binary matches the server's SHA256SUMS); then installs secplat-agent.exe under %ProgramFiles%\SecPlatform\Agent, keeps
its state in %ProgramData%\SecPlatform\Agent (readable by the service's own account, SYSTEM and Administrators only),
registers, and creates the "secplat-agent" service (virtual account NT SERVICE\secplat-agent, delayed automatic start,
restart on failure). If a step fails, what this run created is removed. A second run upgrades the binary in place and
keeps the agent's identity, policy and outbox.

.PARAMETER Server
The control plane's base URL (https://host:port; http:// only to a loopback host).
.PARAMETER Pin
sha256//<base64 SPKI hash> of the server's key, as `secplat tokens create` prints it; required with https.
.PARAMETER TokenFile
A file holding the bootstrap token (else $env:SECPLAT_TOKEN, else -Token, which the process list may show).
.PARAMETER Binary
Install this secplat-agent.exe instead of downloading URL/downloads/secplat-agent-win-x64.exe.
.PARAMETER DryRun
Check everything and print what would be done; change nothing.

.EXAMPLE
.\install.ps1 -Server https://cp.example:8443 -Pin 'sha256//...' -TokenFile C:\secplat.token -AllowPath C:\inetpub
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)][string] $Server,
    [string] $Pin = '',
    [string] $TokenFile = '',
    [string] $Token = '',
    [string] $Name = '',
    [string[]] $Label = @(),
    [string[]] $AllowPath = @(),
    [string[]] $AllowCidr = @(),
    [string[]] $AllowScanner = @(),
    [string] $Binary = '',
    [switch] $DryRun
)

Set-StrictMode -Version 3
$ErrorActionPreference = 'Stop'
$prog = 'install.ps1'
$serviceName = 'secplat-agent'
$serviceAccount = "NT SERVICE\$serviceName"

# Windows PowerShell 5.1 has no $IsWindows; pwsh on Linux runs -DryRun (tests).
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
$curl = if ($onWindows) { 'curl.exe' } else { 'curl' }

function Say([string] $message) { Write-Host "${prog}: $message" }
# A failure the installer explains itself: its message is the one line printed, Data['ExitCode'] the exit code.
function New-Failure([string] $message, [int] $exitCode) {
    $failure = New-Object System.Exception $message
    $failure.Data['ExitCode'] = $exitCode
    $failure
}
function Fail([string] $message) { throw (New-Failure $message 1) }
function UsageFail([string] $message) { throw (New-Failure "$message (Get-Help $prog)" 2) }

# Runs a native program; returns its exit code, stdout and stderr (stderr never becomes a terminating error).
function Invoke-Native([string] $file, [string[]] $arguments) {
    $saved = $ErrorActionPreference
    $ErrorActionPreference = 'Continue'
    try {
        $output = & $file @arguments 2>&1
        $code = $LASTEXITCODE
    } finally {
        $ErrorActionPreference = $saved
    }
    $stdout = @($output | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] } | ForEach-Object { "$_" }) -join "`n"
    $stderr = @($output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object { "$_" }) -join ' '
    [pscustomobject]@{ ExitCode = $code; StdOut = $stdout; StdErr = $stderr }
}

# In a dry run, print what would be done instead of doing it.
function Act([string] $description, [scriptblock] $action) {
    if ($DryRun) { Write-Host "+ $description" } else { & $action }
}

function Invoke-Checked([string] $file, [string[]] $arguments, [string] $what) {
    Act "$file $($arguments -join ' ')" {
        $result = Invoke-Native $file $arguments
        if ($result.ExitCode -ne 0) { Fail "$what failed: $($result.StdOut) $($result.StdErr)".Trim() }
    }
}

# curl with the pin: the TLS handshake fails unless the server's public key hashes to it, before any request is sent.
# (-k only skips the CA chain check, which a self-signed certificate cannot pass; the pin replaces it.)
function Invoke-Fetch([string[]] $arguments) {
    $common = @('-fsS', '--connect-timeout', '10', '--max-time', '300')
    if ($Pin -and $scheme -eq 'https') { $common += @('--proto', '=https', '--pinnedpubkey', $Pin, '-k') }
    Invoke-Native $curl ($common + $arguments)
}

function Get-CurlReason([int] $code) {
    switch ($code) {
        90 { "the server's public key does not match -Pin $Pin`: this is not your control plane (or the pin is wrong); nothing was sent" }
        6 { "cannot resolve the host of $Server" }
        7 { "cannot connect to $Server (is the control plane running, and reachable from this machine?)" }
        28 { "$Server did not answer in time" }
        35 { "the TLS handshake with $Server failed (is it an https URL of the control plane?)" }
        22 { "$Server answered with an HTTP error" }
        default { "cannot reach $Server (curl exit code $code)" }
    }
}

$created = New-Object System.Collections.Generic.List[string]   # newest last; 'service:' entries are services
$registeredNow = $false
$committed = $false
$work = $null

function Undo-Install {
    if ($registeredNow) {
        Say 'undoing the registration'
        $null = Invoke-Native $installedExe @('deregister', '--state-dir', $stateDir)
    }
    for ($i = $created.Count - 1; $i -ge 0; $i--) {
        $item = $created[$i]
        if ($item.StartsWith('service:')) {
            $null = Invoke-Native 'sc.exe' @('delete', $item.Substring(8))
        } elseif (Test-Path -LiteralPath $item) {
            Remove-Item -LiteralPath $item -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}

function New-Directory([string] $path) {
    $missing = New-Object System.Collections.Generic.List[string]
    $probe = $path
    while ($probe -and -not (Test-Path -LiteralPath $probe)) {
        $missing.Insert(0, $probe)
        $probe = Get-ParentPath $probe
    }
    foreach ($dir in $missing) {
        Act "mkdir $dir" { $null = New-Item -ItemType Directory -Path $dir; $created.Add($dir) }
    }
}

try {
    # ---------------------------------------------------------------------------------------------------------------
    # 1. Check everything before changing anything.
    $Server = $Server.TrimEnd('/')
    $uri = $null
    if (-not [System.Uri]::TryCreate($Server, [System.UriKind]::Absolute, [ref] $uri) -or ($uri.Scheme -ne 'https' -and $uri.Scheme -ne 'http')) {
        UsageFail "-Server takes the control plane's base URL (https://host:port), got '$Server'"
    }
    $scheme = $uri.Scheme
    if ($scheme -eq 'https' -and -not $Pin) {
        UsageFail '-Pin is required with an https server: it is how this machine knows it talks to your control plane (secplat tokens create prints it)'
    }
    if ($scheme -eq 'http' -and -not $uri.IsLoopback) {
        UsageFail 'plain http is only for a control plane on this machine (loopback); use the https URL and -Pin'
    }
    if ($Pin -and $Pin -notmatch '^sha256//[A-Za-z0-9+/]{43}=$') {
        UsageFail "-Pin must look like sha256//<44 characters of base64>, as 'secplat tokens create' prints it"
    }
    if ($Pin -and $scheme -eq 'http') { Say 'note: -Pin is not checked over plain http (loopback)' }

    if ($onWindows -and -not $DryRun) {
        $principal = New-Object System.Security.Principal.WindowsPrincipal([System.Security.Principal.WindowsIdentity]::GetCurrent())
        if (-not $principal.IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator)) {
            Fail 'run PowerShell as Administrator'
        }
    }
    if (-not (Get-Command $curl -ErrorAction SilentlyContinue)) { Fail "'$curl' is required (Windows 10 1803 and later ship it)" }

    # The token: -TokenFile, else $env:SECPLAT_TOKEN, else -Token. Never printed, never put on a command line.
    $tokenValue = ''
    $needToken = -not (Test-Path -LiteralPath ($stateDir + '\agent.db'))
    function Read-Token {
        if ($TokenFile) {
            if (-not (Test-Path -LiteralPath $TokenFile -PathType Leaf)) { Fail "cannot read the token file $TokenFile" }
            $script:tokenValue = ([System.IO.File]::ReadAllText($TokenFile)).Trim()
            $source = "the token file $TokenFile"
        } elseif ($env:SECPLAT_TOKEN) {
            $script:tokenValue = $env:SECPLAT_TOKEN.Trim()
            $source = '$env:SECPLAT_TOKEN'
        } elseif ($Token) {
            $script:tokenValue = $Token.Trim()
            $source = '-Token'
        } else {
            UsageFail "no bootstrap token: pass -TokenFile FILE (or set `$env:SECPLAT_TOKEN); 'secplat tokens create' makes one"
        }
        if ($script:tokenValue -cnotmatch '^spbt_[a-z0-9]{12}_[A-Za-z0-9]{43}$') {
            UsageFail "$source does not hold a bootstrap token (expected spbt_<id>_<secret>, as 'secplat tokens create' prints it)"
        }
    }
    if ($needToken) { Read-Token }

    $health = Invoke-Fetch @("$Server/healthz")
    if ($health.ExitCode -ne 0) { Fail (Get-CurlReason $health.ExitCode) }
    if ($health.StdOut.Trim() -ne 'ok') { Fail "$Server does not look like a SecPlatform control plane (GET /healthz answered '$($health.StdOut.Trim())')" }
    $pinNote = if ($Pin -and $scheme -eq 'https') { ', key matches the pin' } else { '' }
    Say "control plane $Server reachable$pinNote"

    $work = Join-Path ([System.IO.Path]::GetTempPath()) ("secplat-install-" + [System.Guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $work
    $newExe = Join-Path $work 'secplat-agent.exe'
    if ($Binary) {
        if (-not (Test-Path -LiteralPath $Binary -PathType Leaf)) { Fail "-Binary $Binary`: no such file" }
        Copy-Item -LiteralPath $Binary -Destination $newExe
    } elseif ($DryRun) {
        $newExe = $null
        Say "would download $Server/downloads/secplat-agent-win-x64.exe and check it against $Server/downloads/SHA256SUMS"
    } else {
        $download = 'secplat-agent-win-x64.exe'
        Say "downloading $download"
        $got = Invoke-Fetch @('-o', $newExe, "$Server/downloads/$download")
        if ($got.ExitCode -ne 0) { Fail "downloading $download`: $(Get-CurlReason $got.ExitCode)" }
        $sums = Invoke-Fetch @("$Server/downloads/SHA256SUMS")
        if ($sums.ExitCode -ne 0) { Fail "downloading SHA256SUMS: $(Get-CurlReason $sums.ExitCode)" }
        $expected = $null
        foreach ($line in ($sums.StdOut -split "`n")) {
            $parts = $line.Trim() -split '\s+', 2
            if ($parts.Count -eq 2 -and $parts[1].TrimStart('*') -eq $download) { $expected = $parts[0].ToLowerInvariant() }
        }
        if (-not $expected) { Fail "$Server/downloads/SHA256SUMS has no checksum for $download" }
        $actual = (Get-FileHash -Algorithm SHA256 -LiteralPath $newExe).Hash.ToLowerInvariant()
        if ($actual -ne $expected) { Fail "$download does not match its checksum in SHA256SUMS (download corrupted or tampered with)" }
    }
    if ($newExe -and $onWindows) {
        $version = Invoke-Native $newExe @('version')
        if ($version.ExitCode -ne 0) { Fail 'the agent binary does not run on this machine' }
        Say "agent $($version.StdOut.Trim())"
    }

    # An existing identity makes this run an upgrade: no token needed, registration skipped.
    $upgrade = $false
    if (-not $needToken -and $onWindows) {
        $statusExe = if ($newExe) { $newExe } else { $installedExe }
        $upgrade = (Invoke-Native $statusExe @('status', '--state-dir', $stateDir)).ExitCode -eq 0
    }
    if ($upgrade) {
        Say "an agent is registered in $stateDir`: upgrading it in place (identity, policy and outbox are kept)"
        if ($Name -or $Label.Count -gt 0) { Say 'note: -Name and -Label apply at registration only; they are left as registered' }
    } elseif (-not $tokenValue) {
        Read-Token
    }

    # ---------------------------------------------------------------------------------------------------------------
    # 2. Change things; from here a failure removes what this run created.
    if ($DryRun) { Say 'dry run: nothing below is done' }
    $policyArgs = @()
    foreach ($p in $AllowPath) { $policyArgs += @('--allow-path', $p) }
    foreach ($c in $AllowCidr) { $policyArgs += @('--allow-cidr', $c) }
    foreach ($s in $AllowScanner) { $policyArgs += @('--allow-scanner', $s) }

    $existing = if ($onWindows) { Get-Service -Name $serviceName -ErrorAction SilentlyContinue } else { $null }
    if ($existing -and $existing.Status -ne 'Stopped') {
        # Stop lets the agent drain, flush its outbox and release its lease before its binary is replaced.
        Act "Stop-Service $serviceName" { Stop-Service -Name $serviceName }
    }

    New-Directory $installDir
    if ($newExe) {
        $isNew = -not (Test-Path -LiteralPath $installedExe)
        Act "copy $newExe to $installedExe.new; rename it over $installedExe" {
            Copy-Item -LiteralPath $newExe -Destination "$installedExe.new" -Force
            Move-Item -LiteralPath "$installedExe.new" -Destination $installedExe -Force
            if ($isNew) { $created.Add($installedExe) }
        }
    } else {
        Say "would install the downloaded agent as $installedExe"
    }

    if (-not $existing) {
        # New-Service takes the command line as one string (no native-argument quoting of the embedded quotes).
        $binPath = "`"$installedExe`" run --state-dir `"$stateDir`""
        Act "New-Service $serviceName -BinaryPathName '$binPath'" {
            $null = New-Service -Name $serviceName -BinaryPathName $binPath -DisplayName 'SecPlatform agent' -StartupType Automatic `
                -Description 'SecPlatform scan agent: runs the scans its control plane assigns, within its local policy'
            $created.Add("service:$serviceName")
        }
        # A virtual account: no password, its own SID (NT SERVICE\secplat-agent) to grant the state directory to.
        Invoke-Checked 'sc.exe' @('config', $serviceName, 'obj=', $serviceAccount, 'start=', 'delayed-auto') 'setting the service account'
        Invoke-Checked 'sc.exe' @('sidtype', $serviceName, 'unrestricted') 'setting the service SID type'
    }
    # Restart after 5 s, 5 s, then every 60 s; the failure count resets after a day. failureflag 1 also counts an
    # exit with an error code after a stop the agent did not ask for.
    Invoke-Checked 'sc.exe' @('failure', $serviceName, 'reset=', '86400', 'actions=', 'restart/5000/restart/5000/restart/60000') 'setting the recovery actions'
    Invoke-Checked 'sc.exe' @('failureflag', $serviceName, '1') 'setting the recovery flag'

    # The state directory: no inherited "Users may read" from %ProgramData%; the service account, SYSTEM and
    # Administrators only (what the agent itself gives a state directory it creates, plus the service).
    $stateIsNew = -not (Test-Path -LiteralPath $stateDir)
    New-Directory $stateDir
    Invoke-Checked 'icacls.exe' @($stateDir, '/inheritance:r', '/grant:r', "${serviceAccount}:(OI)(CI)F", '*S-1-5-18:(OI)(CI)F', '*S-1-5-32-544:(OI)(CI)F') 'setting the state directory ACL'
    if ($stateIsNew -and -not $DryRun -and -not $created.Contains($stateDir)) { $created.Add($stateDir) }

    if (-not $upgrade) {
        $registerArgs = @('register', '--server', $Server, '--state-dir', $stateDir)
        if ($Pin) { $registerArgs += @('--pin', $Pin) }
        if ($Name) { $registerArgs += @('--name', $Name) }
        foreach ($l in $Label) { $registerArgs += @('--label', $l) }
        $registerArgs += $policyArgs
        Say "registering with $Server"
        # The token travels in the environment of the register process only, never in its command line.
        Act "$installedExe $($registerArgs -join ' ')   (token in `$env:SECPLAT_TOKEN)" {
            $savedToken = $env:SECPLAT_TOKEN
            $env:SECPLAT_TOKEN = $tokenValue
            try {
                $register = Invoke-Native $installedExe $registerArgs
            } finally {
                $env:SECPLAT_TOKEN = $savedToken
            }
            if ($register.ExitCode -ne 0) {
                Fail ("registration failed: " + ($register.StdErr -replace '^secplat-agent: ', '') + '; nothing was installed')
            }
            $script:registeredNow = $true
            Say "registered as agent $($register.StdOut.Trim())"
        }
    } elseif ($policyArgs.Count -gt 0) {
        Say 'replacing the local policy'
        Invoke-Checked $installedExe (@('policy', 'set', '--state-dir', $stateDir) + $policyArgs) 'setting the local policy'
    }

    # Registered and the service exists: from here a failure to start is reported, not undone.
    $committed = $true
    Act "Start-Service $serviceName" { Start-Service -Name $serviceName }
    if (-not $DryRun) {
        Start-Sleep -Seconds 2
        if ((Get-Service -Name $serviceName).Status -ne 'Running') {
            Fail "secplat-agent did not start: see Get-Service $serviceName and the System event log (Service Control Manager)"
        }
        Say "secplat-agent is running as $serviceAccount"
    }
    exit 0
} catch {
    [Console]::Error.WriteLine("${prog}: $($_.Exception.Message)")
    $code = if ($_.Exception.Data.Contains('ExitCode')) { $_.Exception.Data['ExitCode'] } else { 1 }
} finally {
    if ($work -and (Test-Path -LiteralPath $work)) { Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue }
}

if (-not $committed -and $created.Count -gt 0) {
    Say 'removing what this run created'
    Undo-Install
}
exit $code
