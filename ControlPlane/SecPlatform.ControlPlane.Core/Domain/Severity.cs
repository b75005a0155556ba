namespace SecPlatform.ControlPlane.Core.Domain;

public enum Severity
{
    Info = 1,
    Low = 2,
    Medium = 3,
    High = 4,
    Critical = 5,
}
