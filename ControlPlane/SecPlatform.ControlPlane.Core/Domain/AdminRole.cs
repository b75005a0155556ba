namespace SecPlatform.ControlPlane.Core.Domain;

public enum AdminRole
{
    SuperAdmin = 1,
    OpsAdmin = 2,
    Readonly = 3,
}
