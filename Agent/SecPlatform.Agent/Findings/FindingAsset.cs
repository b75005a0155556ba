namespace SecPlatform.Agent.Findings;

/// <summary>
/// The asset a finding belongs to. For <see cref="AssetKind.Path"/> the value is <c>host:/absolute/path</c>
/// (file assets belong to a host); for <see cref="AssetKind.Ip"/> it is the address in its canonical text form.
/// </summary>
public sealed record FindingAsset(AssetKind Kind, string Value)
{
    public static FindingAsset File(string host, string absolutePath) => new(AssetKind.Path, host + ":" + absolutePath);

    public static FindingAsset Address(string address) => new(AssetKind.Ip, address);
}
