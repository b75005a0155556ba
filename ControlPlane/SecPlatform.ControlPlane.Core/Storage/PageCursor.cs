namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>A keyset position: lists are ordered by (creation time, id) and resume after this pair.</summary>
public sealed record PageCursor(DateTimeOffset CreatedAt, string Id)
{
    public string Encode() => $"{CreatedAt.UtcTicks}.{Id}";

    public static bool TryDecode(string? text, out PageCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        var dot = text.IndexOf('.');
        if (dot <= 0 || !long.TryParse(text.AsSpan(0, dot), out var ticks) || ticks < 0 || ticks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        cursor = new PageCursor(new DateTimeOffset(ticks, TimeSpan.Zero), text[(dot + 1)..]);
        return true;
    }
}
