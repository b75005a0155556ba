namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>
/// The outcome (as for command updates) and, when applied, how many fingerprints were new to this
/// attempt and how many it had delivered before (a resend).
/// </summary>
public sealed record FindingIngestResult(CommandUpdateOutcome Outcome, int NewCount, int DuplicateCount);
