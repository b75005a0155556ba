using Google.Protobuf.WellKnownTypes;

namespace SecPlatform.Cli.Tests.Fakes;

/// <summary>Fixed values the fake services answer with.</summary>
public static class FakeData
{
    public static readonly DateTime Now = new(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    public static Timestamp NowTimestamp => Timestamp.FromDateTime(Now);

    public const string TokenId = "tok123456789";

    public static readonly string TokenSecret = $"spbt_{TokenId}_{new string('B', 43)}";

    public static readonly string RotatedKey = $"spadm_{FakeControlPlane.AdminId}_{new string('C', 43)}";
}
