namespace SecPlatform.ControlPlane.Storage.Postgres.Entities;

/// <summary>The single row (id 1) shared by the reapers of every replica.</summary>
internal sealed class ReaperStateEntity
{
    public const int SingletonId = 1;

    public int Id { get; set; }
    public DateTimeOffset? LastRunAt { get; set; }
    public DateTimeOffset? GraceUntil { get; set; }
}
