using System.ComponentModel.DataAnnotations;

namespace SecPlatform.ControlPlane.Core.Options;

/// <summary>Authentication limits (section <c>Security</c>).</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>bcrypt work factor for admin keys (the schema's choice).</summary>
    [Range(4, 16)]
    public int BcryptWorkFactor { get; set; } = 11;

    /// <summary>How long a verified (or refused) admin key is remembered; revocation takes effect within this.</summary>
    [Range(0, 60)]
    public int AdminKeyCacheSeconds { get; set; } = 5;

    /// <summary>Wrong admin keys per key id within the window before that id is throttled.</summary>
    [Range(1, 10000)]
    public int AdminKeyMaxFailures { get; set; } = 10;

    /// <summary>Failed registrations per peer address within the window before it is throttled.</summary>
    [Range(1, 100000)]
    public int RegistrationMaxFailuresPerPeer { get; set; } = 20;

    /// <summary>Failed registrations per token id within the window before it is throttled.</summary>
    [Range(1, 100000)]
    public int RegistrationMaxFailuresPerToken { get; set; } = 10;

    [Range(1, 86400)]
    public int FailureWindowSeconds { get; set; } = 60;

    /// <summary>How long an agent's previous key keeps working after RotateKey.</summary>
    [Range(0, 86400)]
    public int AgentKeyRotationGraceSeconds { get; set; } = 300;

    public TimeSpan FailureWindow => TimeSpan.FromSeconds(FailureWindowSeconds);
}
