using SecPlatform.Benchmarks;
using SecPlatform.Benchmarks.Infrastructure;

// dotnet run -c Release --project tests/SecPlatform.Benchmarks -- [scenario...] [--quick] [--out DIR]
var quick = false;
var outDir = Directory.GetCurrentDirectory();
var selected = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick":
            quick = true;
            break;
        case "--out" when i + 1 < args.Length:
            outDir = Path.GetFullPath(args[++i]);
            break;
        case "-h" or "--help":
            Console.WriteLine(BenchRunner.Usage);
            return 0;
        case var name when BenchRunner.Scenarios.Contains(name):
            selected.Add(name);
            break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'\n{BenchRunner.Usage}");
            return 2;
    }
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C stops the run and cleans up; scenarios are bounded, so this does not take long.
    e.Cancel = true;
    cancel.Cancel();
};
// SIGTERM (CI's timeout, kill) takes the same path: cancel, let the scenario end, stop what was started.
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancel.Cancel();
});
AppDomain.CurrentDomain.ProcessExit += (_, _) => Cleanup.RunAll();

try
{
    var runner = new BenchRunner(new BenchSettings(quick), outDir, selected.Count == 0 ? BenchRunner.Scenarios : selected);
    return await runner.RunAsync(cancel.Token);
}
catch (Exception e) when (cancel.IsCancellationRequested && e is OperationCanceledException or Grpc.Core.RpcException)
{
    Console.Error.WriteLine("canceled: stopped what the run had started");
    return 130;
}
finally
{
    Cleanup.RunAll();
}
