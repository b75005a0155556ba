using Microsoft.Extensions.DependencyInjection;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Storage.LiteDb;

public static class LiteDbStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the LiteDB store on <paramref name="filePath"/> as the one <see cref="IControlPlaneStore"/>.
    /// A singleton: the file is opened once per process and its write lock must be shared by every caller.
    /// </summary>
    public static IServiceCollection AddLiteDbStore(this IServiceCollection services, string filePath)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        services.AddSingleton<IControlPlaneStore>(_ => new LiteDbControlPlaneStore(filePath));
        return services;
    }
}
