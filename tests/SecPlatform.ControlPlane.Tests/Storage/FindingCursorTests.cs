using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Tests.Storage;

public sealed class FindingCursorTests
{
    private static readonly Finding Sample = new()
    {
        Id = "abc123def456",
        TenantId = "tenant000001",
        Observed = new ObservedFinding
        {
            Fingerprint = new string('a', 64), Scanner = "bandit", RuleId = "B101,\"odd\" rule ü", Severity = Severity.High,
            AssetKind = "path", AssetValue = "/srv/app.py",
        },
        FirstSeen = TestData.Start,
        LastSeen = TestData.Start.AddTicks(12345),
        Occurrences = 7,
        LastCommandId = "cmd000000001",
        Status = FindingStatus.Reopened,
    };

    [Theory]
    [InlineData("", "first_seen")]
    [InlineData(" -Severity , last_seen ", "-severity,last_seen")]
    [InlineData("+rule,-occurrences,status", "rule,-occurrences,status")]
    public void TryParse_ValidText_CanonicalForm(string text, string canonical)
    {
        Assert.True(FindingSort.TryParse(text, out var sort, out var error), error);
        Assert.Equal(canonical, sort.ToString());
    }

    [Theory]
    [InlineData("colour", "unknown field 'colour'")]
    [InlineData("severity,-severity", "'severity' is given twice")]
    [InlineData("severity,,status", "unknown field ''")]
    [InlineData("severity,status,rule,scanner", "too many fields")]
    public void TryParse_BadText_ErrorSaysWhy(string text, string message)
    {
        Assert.False(FindingSort.TryParse(text, out _, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-severity,last_seen")]
    [InlineData("rule,-occurrences,status")]
    [InlineData("first_seen")]
    [InlineData("scanner")]
    public void Encode_RoundTrips_TheSortsFieldsAndId(string text)
    {
        Assert.True(FindingSort.TryParse(text, out var sort, out _));
        var cursor = FindingCursor.After(sort, Sample);

        Assert.True(FindingCursor.TryDecode(cursor.Encode(), sort, out var decoded, out var error), error);
        Assert.Equal(cursor.Id, decoded!.Id);
        Assert.Equal(0, sort.Compare(Sample, Sample));
        Assert.False(sort.IsAfter(Sample, decoded));
        foreach (var key in sort.Keys)
        {
            Assert.Equal(Read(cursor.Values, key.Field), Read(decoded.Values, key.Field));
        }
    }

    [Fact]
    public void TryDecode_CursorOfAnotherSort_RefusedNamingBothSorts()
    {
        Assert.True(FindingSort.TryParse("-severity", out var issued, out _));
        Assert.True(FindingSort.TryParse("last_seen", out var other, out _));
        var token = FindingCursor.After(issued, Sample).Encode();

        Assert.False(FindingCursor.TryDecode(token, other, out _, out var error));
        Assert.Contains("sorted by '-severity', not 'last_seen'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("f1.")]
    [InlineData("f1.!!!")]
    [InlineData("f1.WyJmaXJzdF9zZWVuIl0")]
    [InlineData("nonsense")]
    public void TryDecode_Garbage_Refused(string token)
    {
        Assert.False(FindingCursor.TryDecode(token, FindingSort.Default, out _, out var error));
        Assert.Contains("page_token", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecode_PageCursorOfTheFirstSeenList_StillContinuesTheDefaultSort()
    {
        var legacy = new PageCursor(Sample.FirstSeen, Sample.Id).Encode();

        Assert.True(FindingCursor.TryDecode(legacy, FindingSort.Default, out var cursor, out _));
        Assert.Equal((Sample.FirstSeen, Sample.Id), (cursor!.Values.FirstSeen, cursor.Id));
        Assert.True(FindingSort.TryParse("-severity", out var other, out _));
        Assert.False(FindingCursor.TryDecode(legacy, other, out _, out _));
    }

    private static object Read(FindingSortValues values, FindingSortField field) => field switch
    {
        FindingSortField.FirstSeen => values.FirstSeen,
        FindingSortField.LastSeen => values.LastSeen,
        FindingSortField.Severity => values.Severity,
        FindingSortField.Occurrences => values.Occurrences,
        FindingSortField.Status => values.Status,
        FindingSortField.Rule => values.RuleId,
        _ => values.Scanner,
    };
}
