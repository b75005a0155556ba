using Microsoft.Extensions.Logging;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>
/// Software components on assets: the completion's checks and replacement (for <see cref="AgentCommandService"/>),
/// and the admins' reads, always in one tenant's scope.
/// </summary>
public sealed class ComponentService(IComponentStore components, IAssetStore assets, ILogger<ComponentService> logger)
{
    public const int MaxNameChars = 1000;
    public const int MaxPurlChars = 2000;

    /// <summary>A component as an agent reported it: bounded text, a known asset kind. Refusals name the component.</summary>
    public static void Check(ObservedComponent c, IReadOnlyList<AssetKind> kinds)
    {
        Validate.Text("component name", c.Name, MaxNameChars, required: true);
        Validate.Text($"component {Short(c.Name)} version", c.Version, MaxNameChars, required: false);
        Validate.Text($"component {Short(c.Name)} purl", c.Purl, MaxPurlChars, required: false);
        Validate.Text($"component {Short(c.Name)} type", c.Type, 100, required: false);
        if (!kinds.Any(k => k.Name == c.AssetKind))
        {
            throw DomainException.Invalid($"component {Short(c.Name)}: asset kind must be one of {string.Join(", ", kinds.Select(k => k.Name))}");
        }

        Validate.Text($"component {Short(c.Name)} asset_value", c.AssetValue, 4096, required: true);
    }

    /// <summary>A completion counts only once every component it announces is committed, as for findings.</summary>
    public async Task RequireDeliveredAsync(Command current, long componentCount, CancellationToken cancellationToken)
    {
        if (componentCount < 0)
        {
            throw DomainException.Invalid("component_count must not be negative");
        }

        if (componentCount == 0)
        {
            return;
        }

        var committed = await components.CountComponentsObservedAsync(current.Id, current.Attempt, cancellationToken);
        if (committed < componentCount)
        {
            throw new DomainException(ErrorKind.FailedPrecondition,
                $"{committed} of the run's {componentCount} components are committed; deliver the rest before completing");
        }
    }

    /// <summary>
    /// After a complete, successful SBOM run (a scanner with a <c>path</c> parameter), the scanned directory's asset
    /// keeps only the components this run reported. Like the resolution of findings, this runs after the completion
    /// committed; a failure is logged and the set stays as it was until the next clean run.
    /// </summary>
    public async Task ReplaceAsync(Command command, Agent agent, CancellationToken cancellationToken)
    {
        if (command.Scanner != "cdxgen" || FindingScope.Of(command, agent, DateTimeOffset.MinValue) is not { PathPrefix: { } path } scope)
        {
            return;
        }

        try
        {
            var kinds = await assets.ListAssetKindsAsync(cancellationToken);
            var kind = kinds.FirstOrDefault(k => k.Name == "path") ?? new AssetKind("path", "", true);
            var value = AssetIdentity.Normalize(kind, $"{scope.Host}:{path}");
            var removed = await components.ReplaceComponentsAsync(
                new ComponentScope(command.TenantId, command.Id, command.Attempt, kind.Name, value), cancellationToken);
            logger.LogInformation("Command {CommandId} removed {RemovedCount} components no longer on {Asset}", command.Id, removed, value);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Command {CommandId}: replacing the asset's components failed", command.Id);
        }
    }

    public async Task<IReadOnlyList<AssetComponent>> ListAsync(AdminPrincipal caller, string? assetId, PageRequest page, CancellationToken cancellationToken)
    {
        var asset = await VisibleAssetAsync(caller, assetId, cancellationToken);
        return await components.ListAssetComponentsAsync(asset.Id, page, cancellationToken);
    }

    public async Task<long> CountAsync(Asset asset, CancellationToken cancellationToken) =>
        await components.CountAssetComponentsAsync(asset.Id, cancellationToken);

    private async Task<Asset> VisibleAssetAsync(AdminPrincipal caller, string? id, CancellationToken cancellationToken)
    {
        var assetId = Validate.Id("asset_id", id);
        var asset = await assets.GetAssetAsync(assetId, cancellationToken);
        return asset is null || !caller.CanSee(asset.TenantId) ? throw DomainException.NotFound("asset", assetId) : asset;
    }

    private static string Short(string text) => text.Length <= 40 ? $"'{text}'" : $"'{text[..40]}...'";
}
