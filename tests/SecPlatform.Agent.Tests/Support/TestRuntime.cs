using Microsoft.Extensions.Time.Testing;
using SecPlatform.Agent.Hosting;
using SecPlatform.Agent.Platform;

namespace SecPlatform.Agent.Tests.Support;

/// <summary>An <see cref="AgentRuntime"/> with a fake clock, a fake control plane and an environment the test owns
/// (no PATH unless the test sets one, so no real scanner is probed by accident).</summary>
public sealed class TestRuntime
{
    public TestRuntime()
    {
        Gateway = new FakeAgentGateway(Time);
        Factory = new FakeAgentGatewayFactory(Gateway);
        Runtime = new AgentRuntime(
            AgentPlatforms.Current,
            new MachineFacts("test-host", AgentPlatforms.Current.OperatingSystemName, "x64", "9.9.9-test"),
            Time,
            name => Environment.TryGetValue(name, out var value) ? value : null,
            Factory);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public Dictionary<string, string> Environment { get; } = [];

    public FakeAgentGateway Gateway { get; }

    public FakeAgentGatewayFactory Factory { get; }

    public AgentRuntime Runtime { get; }
}
