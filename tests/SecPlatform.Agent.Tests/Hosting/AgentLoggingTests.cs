using Serilog;
using SecPlatform.Agent.Hosting;
using SecPlatform.Agent.Tests.Support;

namespace SecPlatform.Agent.Tests.Hosting;

/// <summary>The log configuration of <c>run</c>: a Windows service also writes daily files, since its stdout is lost.</summary>
public sealed class AgentLoggingTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Fact]
    public void ConfigureLogging_WithFileDirectory_WritesTheEventsWithTheAgentIdToADailyFile()
    {
        var directory = _temp.Combine(AgentHost.LogDirectoryName);

        using (var logger = AgentHost.ConfigureLogging(new LoggerConfiguration(), "agt_logtest", directory).CreateLogger())
        {
            logger.Information("lease renewed until {Until}", "later");
            logger.Debug("below the minimum level");
        }

        var file = Assert.Single(Directory.GetFiles(directory));
        Assert.Matches(@"agent-\d{8}\.log$", file);
        var text = File.ReadAllText(file);
        Assert.Contains("INF] lease renewed until later", text);
        Assert.Contains("agt_logtest", text);
        Assert.DoesNotContain("below the minimum level", text);
    }

    [Fact]
    public void ConfigureLogging_WithoutFileDirectory_WritesNoFile()
    {
        using (var logger = AgentHost.ConfigureLogging(new LoggerConfiguration(), "agt_logtest", null).CreateLogger())
        {
            logger.Information("console only");
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Path));
    }

    public void Dispose() => _temp.Dispose();
}
