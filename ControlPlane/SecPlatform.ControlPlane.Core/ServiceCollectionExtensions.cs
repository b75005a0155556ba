using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SecPlatform.ControlPlane.Core.Options;
using SecPlatform.ControlPlane.Core.Services;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Core;

public static class ServiceCollectionExtensions
{
    /// <summary>The application layer: options, authenticators, managers, the lease reaper. A store must be added separately.</summary>
    public static IServiceCollection AddControlPlaneCore(this IServiceCollection services)
    {
        services.AddOptions<LeaseOptions>().BindConfiguration(LeaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<QueueOptions>().BindConfiguration(QueueOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<ControlPlaneMetrics>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<AdminAuthenticator>();
        services.AddSingleton<AgentAuthenticator>();
        services.AddSingleton<TenantManager>();
        services.AddSingleton<AdminUserManager>();
        services.AddSingleton<BootstrapTokenManager>();
        services.AddSingleton<AgentManager>();
        services.AddSingleton<RegistrationService>();
        services.AddSingleton<AgentSessionService>();
        services.AddSingleton<ICommandQueueStore>(sp => sp.GetRequiredService<IControlPlaneStore>());
        services.AddSingleton<IFindingStore>(sp => sp.GetRequiredService<IControlPlaneStore>());
        services.AddSingleton<IAssetStore>(sp => sp.GetRequiredService<IControlPlaneStore>());
        services.AddSingleton<IAssetGroupStore>(sp => sp.GetRequiredService<IControlPlaneStore>());
        services.AddSingleton<IVulnerabilityStore>(sp => sp.GetRequiredService<IControlPlaneStore>());
        services.AddSingleton<IScanStore>(sp => sp.GetRequiredService<IControlPlaneStore>());
        services.AddSingleton<IComponentStore>(sp => sp.GetRequiredService<IControlPlaneStore>());
        services.AddSingleton<CommandSignal>();
        services.AddSingleton<CommandQueueService>();
        services.AddSingleton<AgentCommandService>();
        services.AddSingleton<FindingService>();
        services.AddSingleton<AssetService>();
        services.AddSingleton<AssetGroupService>();
        services.AddSingleton<VulnerabilityService>();
        services.AddSingleton<ScanService>();
        services.AddSingleton<ComponentService>();
        services.AddSingleton<LeaseReaper>();
        services.AddHostedService(sp => sp.GetRequiredService<LeaseReaper>());
        return services;
    }
}
