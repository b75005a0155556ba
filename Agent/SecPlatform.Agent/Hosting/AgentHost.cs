using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using SecPlatform.Agent.Gateway;
using SecPlatform.Agent.Lease;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.Policy;
using SecPlatform.Agent.Scanners;
using SecPlatform.Agent.State;

namespace SecPlatform.Agent.Hosting;

/// <summary>Builds the long-running host behind <c>secplat-agent run</c>: a systemd / Windows service aware
/// host with Serilog on the console and the agent's background services.</summary>
public static class AgentHost
{
    public const string ConsoleTemplate = "[{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} {Level:u3}] {Message:lj} {Properties:j}{NewLine}{Exception}";

    public static IHost Build(AgentIdentity identity, AgentStateStore store, AgentRuntime runtime)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            // The command line was parsed already; the working directory of a service is "/" or System32.
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.Services.AddSystemd();
        builder.Services.AddWindowsService(service => service.ServiceName = "secplat-agent");
        builder.Services.AddSerilog(logger => logger
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .MinimumLevel.Override("Grpc", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("AgentId", identity.AgentId)
            .WriteTo.Console(outputTemplate: ConsoleTemplate));

        builder.Services.AddAgentServices(identity, store, runtime);
        return builder.Build();
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

        services.AddSingleton(runtime.TimeProvider);
        services.AddSingleton(runtime.Machine);
        services.AddSingleton(runtime.Platform);
        services.AddSingleton(Random.Shared);
        services.AddSingleton(identity);
        // The store is opened and disposed by the verb, which outlives the host.
        services.AddSingleton(store);
        services.AddSingleton(HolderIdentity.Create(runtime.Machine.Hostname));
        services.AddSingleton<AgentRunOutcome>();
        services.AddSingleton(provider => runtime.GatewayFactory.Create(identity.Server, identity.AgentKey));
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
        services.AddHostedService<LeaseRenewalService>();
        return services;
    }
}
