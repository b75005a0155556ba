namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>
/// A scan record: one per command (the scan id is the command id). Its lifecycle (scanner, target, profile, agent,
/// start, end, status) is the command's own; <see cref="Counts"/> are those of the command's latest attempt
/// (<see cref="ScanCounts.None"/> until it delivers findings or resolves some).
/// </summary>
public sealed record Scan(Command Command, ScanCounts Counts);
