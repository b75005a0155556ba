using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Audit;

/// <summary>
/// The hash chain of the admin audit log: each event's hash covers its fields and the previous hash,
/// so an edited, deleted or reordered row breaks the chain, and a cut tail no longer reaches the head.
/// Stores call <see cref="Seal"/> inside their serialized append.
/// </summary>
public static class AuditChain
{
    /// <summary>Chains <paramref name="entry"/> after <paramref name="head"/>.</summary>
    public static AuditEvent Seal(AuditEntry entry, AuditHead head)
    {
        var sequence = head.Count + 1;
        // Microsecond precision: what PostgreSQL keeps, so a round trip does not change the hash.
        var time = TruncateToMicroseconds(entry.Time);
        var unsealed = new AuditEvent
        {
            Sequence = sequence,
            Time = time,
            ActorId = entry.ActorId,
            Action = entry.Action,
            ResourceType = entry.ResourceType,
            ResourceId = entry.ResourceId,
            TenantId = entry.TenantId,
            Outcome = entry.Outcome,
            PeerAddress = entry.PeerAddress,
            Detail = entry.Detail,
            PreviousHash = head.Hash,
            Hash = "",
        };
        return new AuditEvent
        {
            Sequence = unsealed.Sequence,
            Time = unsealed.Time,
            ActorId = unsealed.ActorId,
            Action = unsealed.Action,
            ResourceType = unsealed.ResourceType,
            ResourceId = unsealed.ResourceId,
            TenantId = unsealed.TenantId,
            Outcome = unsealed.Outcome,
            PeerAddress = unsealed.PeerAddress,
            Detail = unsealed.Detail,
            PreviousHash = unsealed.PreviousHash,
            Hash = ComputeHash(unsealed),
        };
    }

    /// <summary>The hash of an event: SHA-256 over a canonical JSON array of every field but the hash itself.</summary>
    public static string ComputeHash(AuditEvent e)
    {
        // A JSON array is an unambiguous encoding: no field can run into the next.
        var canonical = JsonSerializer.Serialize(new object?[]
        {
            e.Sequence, e.Time.UtcTicks, e.ActorId, e.Action, e.ResourceType, e.ResourceId, e.TenantId ?? "",
            e.Outcome, e.PeerAddress, e.Detail, e.PreviousHash,
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    public static DateTimeOffset TruncateToMicroseconds(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % 10), TimeSpan.Zero);

    /// <summary>
    /// Walks the events in the order given (ascending sequence, as stored) and checks every link, then
    /// that the chain reaches <paramref name="expectedHead"/> (the stored head, or one published earlier).
    /// </summary>
    public static async Task<AuditVerification> VerifyAsync(IAsyncEnumerable<AuditEvent> events, AuditHead expectedHead, CancellationToken cancellationToken)
    {
        var previousHash = AuditHead.GenesisHash;
        long expectedSequence = 1;
        await foreach (var e in events.WithCancellation(cancellationToken))
        {
            if (e.Sequence != expectedSequence)
            {
                return AuditVerification.Broken(expectedSequence - 1, previousHash, expectedSequence,
                    e.Sequence > expectedSequence
                        ? $"row {expectedSequence} is missing (next row is {e.Sequence})"
                        : $"row {e.Sequence} appears out of order after row {expectedSequence - 1}");
            }

            if (e.PreviousHash != previousHash)
            {
                return AuditVerification.Broken(expectedSequence - 1, previousHash, e.Sequence,
                    $"row {e.Sequence} does not link to the row before it (deleted or reordered rows)");
            }

            if (ComputeHash(e) != e.Hash)
            {
                return AuditVerification.Broken(expectedSequence - 1, previousHash, e.Sequence,
                    $"row {e.Sequence} was edited: its content does not match its hash");
            }

            if (e.Sequence == expectedHead.Count && e.Hash != expectedHead.Hash)
            {
                return AuditVerification.Broken(expectedSequence - 1, previousHash, e.Sequence,
                    $"row {e.Sequence} does not match the head hash recorded for it");
            }

            previousHash = e.Hash;
            expectedSequence++;
        }

        var count = expectedSequence - 1;
        if (count < expectedHead.Count)
        {
            return AuditVerification.Broken(count, previousHash, count + 1,
                $"the chain ends at row {count} but the head says {expectedHead.Count} rows: the tail was cut");
        }

        return new AuditVerification(true, count, previousHash, 0, "");
    }
}
