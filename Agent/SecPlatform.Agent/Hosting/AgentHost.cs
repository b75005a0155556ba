using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.WindowsServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Events;
using SecPlatform.Agent.Commands;
using SecPlatform.Agent.Gateway;
using SecPlatform.Agent.Lease;
using SecPlatform.Agent.Outbox;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.Policy;
using SecPlatform.Agent.Scanners;
using SecPlatform.Agent.State;

namespace SecPlatform.Agent.Hosting;

/// <summary>Builds the long-running host behind <c>secplat-agent run</c>: a systemd / Windows service aware
/// host with Serilog on the console and the agent's background services.</summary>
public static class AgentHost
{
    /// <summary>Time for killing scans past the drain timeout and recording them, on top of the configured stop steps.</summary>
    public static readonly TimeSpan ShutdownMargin = TimeSpan.FromSeconds(15);

    public const string ConsoleTemplate = "[{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} {Level:u3}] {Message:lj} {Properties:j}{NewLine}{Exception}";

    public static IHost Build(AgentIdentity identity, AgentStateStore store, AgentRuntime runtime, int? concurrency = null)
    {
        // The host's defaults, less what the agent never uses: no command-line configuration (the command line was
        // parsed already), no user secrets, no logging providers of its own (Serilog is the logger factory), and
        // appsettings.json read once instead of watched (nothing reads options again: no IOptionsMonitor), so no
        // file-watcher thread and fewer assemblies loaded (benchmark agent-idle). The same sources, in the same order,
        // as Host.CreateApplicationBuilder: DOTNET_ variables for the host, then appsettings.json,
        // appsettings.{environment}.json and the environment.
        var hostConfiguration = new ConfigurationManager();
        hostConfiguration.AddEnvironmentVariables(prefix: "DOTNET_");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            Configuration = hostConfiguration,
            // The working directory of a service is "/" or System32.
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration
            .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
            .AddJsonFile($"appsettings.{builder.Environment.EnvironmentName}.json", optional: true, reloadOnChange: false)
            .AddEnvironmentVariables();

        builder.Services.AddSystemd();
        builder.Services.AddWindowsService(service => service.ServiceName = "secplat-agent");
        // A Windows service's standard output is discarded: there the log also goes to files in the state directory.
        var fileLogDirectory = OperatingSystem.IsWindows() && WindowsServiceHelpers.IsWindowsService()
            ? Path.Combine(Path.GetDirectoryName(store.FilePath)!, LogDirectoryName)
            : null;
        builder.Services.AddSerilog(logger => ConfigureLogging(logger, identity.AgentId, fileLogDirectory));

        builder.Services.AddAgentServices(identity, store, runtime);
        if (concurrency is { } slots)
        {
            builder.Services.PostConfigure<CommandLoopOptions>(options => options.Concurrency = slots);
        }

        // A graceful stop drains scans, flushes the outbox, then releases the lease: give the host time for all three.
        builder.Services.AddOptions<HostOptions>()
            .Configure<IOptions<CommandLoopOptions>, IOptions<OutboxOptions>, IOptions<LeaseRenewalOptions>>((host, commands, outbox, lease) =>
                host.ShutdownTimeout = commands.Value.DrainTimeout + outbox.Value.FlushTimeout + lease.Value.ReleaseTimeout + ShutdownMargin);
        return builder.Build();
    }

    /// <summary>Where a Windows service writes its log files, under the state directory.</summary>
    public const string LogDirectoryName = "logs";

    /// <summary>Console logging, plus daily files in <paramref name="fileLogDirectory"/> when given (agent-YYYYMMDD.log,
    /// 10 MB each at most, the last 14 kept, so the log never fills the disk).</summary>
    public static LoggerConfiguration ConfigureLogging(LoggerConfiguration logger, string agentId, string? fileLogDirectory)
    {
        logger
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .MinimumLevel.Override("Grpc", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("AgentId", agentId)
            .WriteTo.Console(outputTemplate: ConsoleTemplate);
        if (fileLogDirectory is not null)
        {
            logger.WriteTo.File(Path.Combine(fileLogDirectory, "agent-.log"), outputTemplate: ConsoleTemplate,
                rollingInterval: RollingInterval.Day, fileSizeLimitBytes: 10 * 1024 * 1024, rollOnFileSizeLimit: true,
                retainedFileCountLimit: 14);
        }

        return logger;
    }

    /// <summary>The agent's own services; the host, logging and lifetime come from the caller.</summary>
    public static IServiceCollection AddAgentServices(this IServiceCollection services, AgentIdentity identity, AgentStateStore store, AgentRuntime runtime)
    {
        services.AddOptions<LeaseRenewalOptions>()
            .BindConfiguration(LeaseRenewalOptions.Section)
            .Validate(o => o.CallTimeout > TimeSpan.Zero && o.ReleaseTimeout > TimeSpan.Zero && o.DefaultRenewInterval > TimeSpan.Zero,
                "lease timeouts and the default renew interval must be positive")
            .Validate(o => o.MinimumBackoff > TimeSpan.Zero && o.InitialBackoff >= o.MinimumBackoff,
                "the minimum back-off must be positive and not above the initial back-off")
            .ValidateOnStart();

        services.AddOptions<OutboxOptions>()
            .BindConfiguration(OutboxOptions.Section)
            .Validate(o => o.MaxBatchFindings is >= 1 and <= OutboxOptions.ServerMaxBatchFindings,
                $"the outbox's batches hold 1 to {OutboxOptions.ServerMaxBatchFindings} findings")
            .Validate(o => o.MaxBatchBytes is >= 1024 and <= 4 * 1024 * 1024, "the outbox's batches hold 1 KiB to 4 MiB")
            .Validate(o => o.MaxPendingFindings > 0 && o.MaxPendingBytes > 0, "the outbox's size limits must be positive")
            .Validate(o => o.CallTimeout > TimeSpan.Zero && o.StreamTimeout > TimeSpan.Zero && o.InitialDeliveryTimeout > TimeSpan.Zero
                && o.FlushTimeout >= TimeSpan.Zero, "the outbox's timeouts must be positive")
            .Validate(o => o.MinimumBackoff > TimeSpan.Zero && o.InitialBackoff >= o.MinimumBackoff && o.MaxBackoff >= o.InitialBackoff,
                "the outbox's back-off must be positive, minimum <= initial <= maximum")
            .ValidateOnStart();
        services.AddOptions<CommandLoopOptions>()
            .BindConfiguration(CommandLoopOptions.Section)
            .Validate(o => o.Concurrency is >= 1 and <= CommandLoopOptions.MaxConcurrency, $"the concurrency must be 1 to {CommandLoopOptions.MaxConcurrency}")
            .Validate(o => o.PullWaitSeconds is >= 0 and <= 30, "the pull wait must be 0 to 30 seconds")
            .Validate(o => o.DrainTimeout >= TimeSpan.Zero && o.ProgressInterval > TimeSpan.Zero && o.CallTimeout > TimeSpan.Zero
                && o.DeadlineGrace >= TimeSpan.Zero && o.IdleRecheck > TimeSpan.Zero, "the command loop's timeouts must be positive")
            .Validate(o => o.MinimumBackoff > TimeSpan.Zero && o.InitialBackoff >= o.MinimumBackoff && o.MaxBackoff >= o.InitialBackoff,
                "the command loop's back-off must be positive, minimum <= initial <= maximum")
            .ValidateOnStart();

        services.AddSingleton(runtime.TimeProvider);
        services.AddSingleton(runtime.Machine);
        services.AddSingleton(runtime.Platform);
        services.AddSingleton(Random.Shared);
        services.AddSingleton(identity);
        // The store is opened and disposed by the verb, which outlives the host.
        services.AddSingleton(store);
        services.AddSingleton(HolderIdentity.Create(runtime.Machine.Hostname));
        services.AddSingleton<AgentRunOutcome>();
        services.AddSingleton(provider => runtime.GatewayFactory.Create(identity.Server, identity.AgentKey, identity.ServerPin));
        services.AddSingleton(provider => new ExecutableLocator(runtime.Platform, runtime.GetEnvironmentVariable));
        services.AddSingleton(provider => new ScannerDetector(
            SupportedScanners.Probes,
            provider.GetRequiredService<ExecutableLocator>(),
            runtime.TimeProvider,
            provider.GetRequiredService<ILogger<ScannerDetector>>()));
        // The scanning engine the command loop runs commands with; the policy is read from the state at every scan.
        services.AddSingleton<IAgentPolicySource>(new StoredAgentPolicySource(store));
        services.AddSingleton(provider => ScanEngine.Create(
            runtime.Platform,
            runtime.GetEnvironmentVariable,
            provider.GetRequiredService<IAgentPolicySource>(),
            identity.Hostname,
            runtime.TimeProvider,
            provider.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<LeaseMonitor>();
        services.AddSingleton<OutboxStartupGate>();
        services.AddSingleton<AgentOutbox>();
        services.AddSingleton<RunningCommands>();
        services.AddSingleton<CommandRunner>();
        // Started in this order and stopped in reverse: the command loop drains, the sender flushes, the lease goes last.
        services.AddHostedService<LeaseRenewalService>();
        services.AddHostedService<OutboxSender>();
        services.AddHostedService<CommandLoopService>();
        return services;
    }
}
