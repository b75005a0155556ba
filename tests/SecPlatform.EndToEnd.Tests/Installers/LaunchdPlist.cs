using System.Text.Json.Nodes;
using SecPlatform.Testing;

namespace SecPlatform.EndToEnd.Tests.Installers;

/// <summary>A launchd plist read by Python's <c>plistlib</c> (what macOS's own tools accept), as JSON.</summary>
public static class LaunchdPlist
{
    private const string ToJson = "import json, plistlib, sys\nwith open(sys.argv[1], 'rb') as f:\n    print(json.dumps(plistlib.load(f)))";

    public static async Task<JsonObject> LoadAsync(string path)
    {
        var result = await ToolProcess.RunAsync("python3", ["-c", ToJson, path]);
        Assert.True(result.ExitCode == 0, $"plistlib cannot read {path}: {result}");
        var plist = JsonNode.Parse(result.StdOut)!.AsObject();
        foreach (var key in new[] { "Label", "ProgramArguments", "RunAtLoad", "KeepAlive" })
        {
            Assert.True(plist.ContainsKey(key), $"{path} lacks the required key {key}");
        }

        return plist;
    }
}
