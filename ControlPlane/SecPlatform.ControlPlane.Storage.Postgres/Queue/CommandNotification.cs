using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Services;

namespace SecPlatform.ControlPlane.Storage.Postgres.Queue;

/// <summary>
/// The NOTIFY payload of an enqueue: the store instance that sent it, the tenant, and what an agent must be to take
/// the command (<see cref="WakeHint"/>), so the receiving replica wakes one waiter that can. A payload that is just a
/// tenant id (replicas of earlier versions, or a hint too long for NOTIFY) wakes a waiter of the tenant without a hint.
/// </summary>
internal sealed record CommandNotification(
    [property: JsonPropertyName("o")] string Origin,
    [property: JsonPropertyName("t")] string TenantId,
    [property: JsonPropertyName("c")] string CommandId,
    [property: JsonPropertyName("a")] string? TargetAgentId,
    [property: JsonPropertyName("l")] Dictionary<string, string> Labels,
    [property: JsonPropertyName("q")] List<string> Capabilities)
{
    // PostgreSQL takes payloads shorter than 8,000 bytes.
    private const int MaxPayloadBytes = 7_999;

    public static string Payload(string origin, Command command)
    {
        var json = JsonSerializer.Serialize(new CommandNotification(origin, command.TenantId, command.Id, command.TargetAgentId,
            command.SelectorLabels, command.RequiredCapabilities));
        return Encoding.UTF8.GetByteCount(json) <= MaxPayloadBytes ? json : command.TenantId;
    }

    /// <summary>The sender's origin (null for a bare tenant id), the tenant, and the hint if the payload has one.</summary>
    public static (string? Origin, string TenantId, WakeHint? Hint) Parse(string payload)
    {
        if (!payload.StartsWith('{'))
        {
            return (null, payload, null);
        }

        var n = JsonSerializer.Deserialize<CommandNotification>(payload)!;
        return (n.Origin, n.TenantId, new WakeHint(n.CommandId, n.TargetAgentId, n.Labels, n.Capabilities));
    }
}
