using System.Data.Common;
using SecPlatform.ControlPlane.Storage.Postgres.Entities;

namespace SecPlatform.ControlPlane.Storage.Postgres.Queue;

/// <summary>
/// Reads <c>commands</c> rows (<c>RETURNING *</c>, <c>SELECT *</c>) from a raw Npgsql reader: the hot statements (the
/// tenant claim, the one-statement completion) skip EF's materialization. Columns are found by name once per result.
/// </summary>
internal static class CommandRows
{
    public static async Task<List<CommandEntity>> ReadAllAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var rows = new List<CommandEntity>();
        if (!await reader.ReadAsync(cancellationToken))
        {
            return rows;
        }

        var o = new Ordinals(reader);
        do
        {
            rows.Add(Read(reader, o));
        }
        while (await reader.ReadAsync(cancellationToken));

        return rows;
    }

    /// <summary>The row the reader is on (a result whose first columns are <c>commands.*</c>: names found first win).</summary>
    public static CommandEntity ReadOne(DbDataReader reader) => Read(reader, new Ordinals(reader));

    private static CommandEntity Read(DbDataReader r, Ordinals o) => new()
    {
        Id = r.GetString(o.Id),
        TenantId = r.GetString(o.TenantId),
        Scanner = r.GetString(o.Scanner),
        Parameters = r.GetString(o.Parameters),
        TargetAgentId = NullableString(r, o.TargetAgentId),
        SelectorLabels = r.GetString(o.SelectorLabels),
        RequiredCapabilities = [.. r.GetFieldValue<string[]>(o.RequiredCapabilities)],
        Priority = r.GetInt32(o.Priority),
        MaxAttempts = r.GetInt32(o.MaxAttempts),
        Attempt = r.GetInt32(o.Attempt),
        TimeoutSeconds = r.GetInt32(o.TimeoutSeconds),
        NotBefore = r.GetFieldValue<DateTimeOffset>(o.NotBefore),
        ExpiresAt = r.GetFieldValue<DateTimeOffset>(o.ExpiresAt),
        IdempotencyKey = NullableString(r, o.IdempotencyKey),
        ProfileName = NullableString(r, o.ProfileName),
        RequestHash = r.GetString(o.RequestHash),
        Status = r.GetString(o.Status),
        StatusReason = r.GetString(o.StatusReason),
        AvailableAt = r.GetFieldValue<DateTimeOffset>(o.AvailableAt),
        SortKey = r.GetFieldValue<DateTimeOffset>(o.SortKey),
        AgentId = NullableString(r, o.AgentId),
        HolderIdentity = NullableString(r, o.HolderIdentity),
        FencingToken = r.GetInt64(o.FencingToken),
        CancelRequested = r.GetBoolean(o.CancelRequested),
        StopRequested = r.GetBoolean(o.StopRequested),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(o.CreatedAt),
        CreatedBy = r.GetString(o.CreatedBy),
        ClaimedAt = NullableTime(r, o.ClaimedAt),
        StartedAt = NullableTime(r, o.StartedAt),
        FinishedAt = NullableTime(r, o.FinishedAt),
        Deadline = NullableTime(r, o.Deadline),
        ExitCode = r.IsDBNull(o.ExitCode) ? null : r.GetInt32(o.ExitCode),
        Summary = r.GetString(o.Summary),
        Error = r.GetString(o.Error),
        LogTail = r.GetString(o.LogTail),
        FindingCount = r.IsDBNull(o.FindingCount) ? null : r.GetInt64(o.FindingCount),
        Truncated = r.GetBoolean(o.Truncated),
        ProgressPercent = r.GetInt32(o.ProgressPercent),
        ProgressMessage = r.GetString(o.ProgressMessage),
        ClaimSeq = r.IsDBNull(o.ClaimSeq) ? null : r.GetInt64(o.ClaimSeq),
    };

    private static string? NullableString(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? NullableTime(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);

    private sealed class Ordinals(DbDataReader r)
    {
        public readonly int Id = r.GetOrdinal("id"), TenantId = r.GetOrdinal("tenant_id"), Scanner = r.GetOrdinal("scanner"),
            Parameters = r.GetOrdinal("parameters"), TargetAgentId = r.GetOrdinal("target_agent_id"),
            SelectorLabels = r.GetOrdinal("selector_labels"), RequiredCapabilities = r.GetOrdinal("required_capabilities"),
            Priority = r.GetOrdinal("priority"), MaxAttempts = r.GetOrdinal("max_attempts"), Attempt = r.GetOrdinal("attempt"),
            TimeoutSeconds = r.GetOrdinal("timeout_seconds"), NotBefore = r.GetOrdinal("not_before"), ExpiresAt = r.GetOrdinal("expires_at"),
            IdempotencyKey = r.GetOrdinal("idempotency_key"), ProfileName = r.GetOrdinal("profile_name"),
            RequestHash = r.GetOrdinal("request_hash"), Status = r.GetOrdinal("status"), StatusReason = r.GetOrdinal("status_reason"),
            AvailableAt = r.GetOrdinal("available_at"), SortKey = r.GetOrdinal("sort_key"), AgentId = r.GetOrdinal("agent_id"),
            HolderIdentity = r.GetOrdinal("holder_identity"), FencingToken = r.GetOrdinal("fencing_token"),
            CancelRequested = r.GetOrdinal("cancel_requested"), StopRequested = r.GetOrdinal("stop_requested"),
            CreatedAt = r.GetOrdinal("created_at"), CreatedBy = r.GetOrdinal("created_by"), ClaimedAt = r.GetOrdinal("claimed_at"),
            StartedAt = r.GetOrdinal("started_at"), FinishedAt = r.GetOrdinal("finished_at"), Deadline = r.GetOrdinal("deadline"),
            ExitCode = r.GetOrdinal("exit_code"), Summary = r.GetOrdinal("summary"), Error = r.GetOrdinal("error"),
            LogTail = r.GetOrdinal("log_tail"), FindingCount = r.GetOrdinal("finding_count"), Truncated = r.GetOrdinal("truncated"),
            ProgressPercent = r.GetOrdinal("progress_percent"), ProgressMessage = r.GetOrdinal("progress_message"),
            ClaimSeq = r.GetOrdinal("claim_seq");
    }
}
