using SecPlatform.Cli;

// Ctrl+C cancels the running call; the command reports "interrupted" and exits 130.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = !cancellation.IsCancellationRequested;
    cancellation.Cancel();
};

return await CliApplication.RunAsync(args, CliEnvironment.System, cancellation.Token);
