namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>What went wrong, in transport-neutral terms; the host maps each kind to a gRPC status.</summary>
public enum ErrorKind
{
    InvalidArgument,
    NotFound,
    AlreadyExists,
    PermissionDenied,
    Unauthenticated,
    FailedPrecondition,
    ResourceExhausted,
}
