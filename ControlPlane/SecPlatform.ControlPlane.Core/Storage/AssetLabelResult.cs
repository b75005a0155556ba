using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>The asset after a label update, or (unchanged) when the update would leave it with too many labels.</summary>
public sealed record AssetLabelResult(Asset Asset, bool TooManyLabels);
