using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Services;
using Admin = SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.ControlPlane.Api;

/// <summary>Asset groups and vulnerabilities to API messages.</summary>
internal static partial class ProtoMapper
{
    public static Admin.AssetGroup ToProto(AssetGroup group)
    {
        var proto = new Admin.AssetGroup
        {
            Id = group.Id,
            TenantId = group.TenantId,
            Name = group.Name,
            Description = group.Description,
            Kind = group.IsLabelBased ? "label" : "static",
            CreatedAt = ToTimestamp(group.CreatedAt),
        };
        proto.Selector.Add(group.Selector ?? []);
        return proto;
    }

    public static Admin.Vulnerability ToProto(TenantVulnerability vulnerability)
    {
        var proto = new Admin.Vulnerability
        {
            Id = vulnerability.Id,
            FirstSeen = ToTimestamp(vulnerability.FirstSeen),
            Findings = vulnerability.Findings,
            OpenFindings = vulnerability.OpenFindings,
            Assets = vulnerability.Assets,
        };
        proto.AffectedAssets.Add(vulnerability.AffectedAssets.Select(a => new Admin.AffectedAsset
        {
            AssetId = a.AssetId,
            Kind = a.Kind,
            Value = a.Value,
            Findings = a.Findings,
            OpenFindings = a.OpenFindings,
        }));
        return proto;
    }

    /// <summary>"key=value" strings as pairs; InvalidArgument names the field and the bad entry.</summary>
    public static List<KeyValuePair<string, string>> Pairs(IEnumerable<string> entries, string field)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var entry in entries)
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw DomainException.Invalid($"{field} takes key=value entries, not '{(entry.Length <= 40 ? entry : entry[..40] + "...")}'");
            }

            pairs.Add(KeyValuePair.Create(entry[..equals], entry[(equals + 1)..]));
        }

        return pairs;
    }
}
