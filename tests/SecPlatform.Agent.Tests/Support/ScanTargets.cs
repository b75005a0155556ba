namespace SecPlatform.Agent.Tests.Support;

/// <summary>Files with known defects for the real scanners.</summary>
public static class ScanTargets
{
    /// <summary>Line 3 makes shellcheck report SC2045 once and SC2086 three times (columns 15, 26, 29).</summary>
    public const string ShellScript = "#!/bin/bash\n# copies files\nfor f in $(ls $1); do cp $f $2; done\necho `date`\n";

    /// <summary>strcpy into a fixed buffer (FF1001, level 4) and the buffer itself (FF1013, level 2), both on line 3.</summary>
    public const string CSource = "#include <string.h>\n\nvoid copy(char *s) { char buf[10]; strcpy(buf, s); }\n";

    /// <summary>eval (B307, medium) on line 3.</summary>
    public const string PythonSource = "import sys\n\nresult = eval(sys.argv[1])\nprint(result)\n";

    /// <summary>A made-up AWS secret access key (no EXAMPLE in it, which secretlint ignores by design) on line 2.</summary>
    public const string AwsSecret = "Zq8mR2vT5xW9yB3nC6fH1jK4lP7sD0gA2eU5iO8r";

    public static string AwsCredentials => $"[default]\naws_secret_access_key = {AwsSecret}\n";

    /// <summary>A made-up GitHub personal access token on line 1.</summary>
    public const string GitHubToken = "ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ";

    public static string JavaScriptWithToken => $"const token = \"{GitHubToken}\";\nmodule.exports = token;\n";

    /// <summary>A small npm project for cdxgen: two dependencies, pinned by the lock file (no integrity hashes: cdxgen validates their form).</summary>
    public const string PackageJson = """{ "name": "demo-app", "version": "1.0.0", "dependencies": { "left-pad": "1.3.0", "ms": "2.1.3" } }""";

    public const string PackageLock = """
        {
          "name": "demo-app", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
          "packages": {
            "": { "name": "demo-app", "version": "1.0.0", "dependencies": { "left-pad": "1.3.0", "ms": "2.1.3" } },
            "node_modules/left-pad": { "version": "1.3.0", "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz" },
            "node_modules/ms": { "version": "2.1.3", "resolved": "https://registry.npmjs.org/ms/-/ms-2.1.3.tgz" }
          }
        }
        """;
}
