namespace SecPlatform.ControlPlane.Storage.Postgres.Entities;

/// <summary>The single row (id 1) that serializes audit appends: every append locks it.</summary>
internal sealed class AuditHeadEntity
{
    public const int SingletonId = 1;

    public int Id { get; set; }
    public long Count { get; set; }
    public string Hash { get; set; } = "";
}
