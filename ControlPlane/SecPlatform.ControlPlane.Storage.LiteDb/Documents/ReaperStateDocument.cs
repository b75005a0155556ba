namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

internal sealed class ReaperStateDocument
{
    public const string SingletonId = "reaper";

    public string Id { get; set; } = SingletonId;
    public DateTimeOffset? LastRunAt { get; set; }
    public DateTimeOffset? GraceUntil { get; set; }
}
