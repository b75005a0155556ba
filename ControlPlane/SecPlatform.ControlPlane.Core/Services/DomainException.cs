namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>A refusal with a message a person can act on. Nothing was changed when it is thrown.</summary>
public sealed class DomainException(ErrorKind kind, string message) : Exception(message)
{
    public ErrorKind Kind { get; } = kind;

    public static DomainException Invalid(string message) => new(ErrorKind.InvalidArgument, message);

    public static DomainException NotFound(string what, string id) => new(ErrorKind.NotFound, $"{what} '{id}' not found");

    public static DomainException Denied(string message) => new(ErrorKind.PermissionDenied, message);
}
