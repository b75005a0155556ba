using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Api.Export;

/// <summary>Severities as users read them (info, low, medium, high, critical).</summary>
internal static class SeverityWords
{
    public static string Of(Severity severity) => severity.ToString().ToLowerInvariant();
}
