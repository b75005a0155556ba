using SecPlatform.Cli.Tests.Fakes;
using SecPlatform.Cli.Tests.Support;

namespace SecPlatform.Cli.Tests.Commands;

/// <summary>Starts a fake control plane per test and runs the CLI against it with a valid key.</summary>
public abstract class CommandTestBase : IAsyncLifetime
{
    protected FakeControlPlane ControlPlane { get; private set; } = null!;

    public async Task InitializeAsync() => ControlPlane = await FakeControlPlane.StartAsync();

    public async Task DisposeAsync() => await ControlPlane.DisposeAsync();

    protected Task<CliRun> RunAsync(params string[] args) => RunAsync(TimeProvider.System, terminalWidth: null, args);

    /// <param name="terminalWidth">Non-null: standard output acts as a terminal of this width.</param>
    protected Task<CliRun> RunAsync(TimeProvider time, int? terminalWidth, params string[] args) =>
        CliRun.RunAsync([.. args, "--server", ControlPlane.Server, "--api-key", FakeControlPlane.ApiKey], time: time, terminalWidth: terminalWidth);
}
