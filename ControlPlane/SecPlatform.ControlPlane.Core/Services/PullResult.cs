using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Services;

public sealed record PullResult(IReadOnlyList<Command> Commands, IReadOnlyList<string> StopCommandIds);
