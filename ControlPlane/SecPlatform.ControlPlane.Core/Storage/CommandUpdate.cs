using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>The result of an agent's update: the outcome and the command as it is afterwards (null when not found).</summary>
public sealed record CommandUpdate(CommandUpdateOutcome Outcome, Command? Command);
