namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

/// <summary>
/// One label as a key/value pair: BSON documents compare field names without case, so a label map
/// stored as a document would merge <c>Env</c> and <c>env</c>.
/// </summary>
internal sealed class LabelDocument
{
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";

    public static List<LabelDocument> FromDictionary(IReadOnlyDictionary<string, string> labels) =>
        labels.OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => new LabelDocument { Key = pair.Key, Value = pair.Value })
            .ToList();

    public static Dictionary<string, string> ToDictionary(IEnumerable<LabelDocument> labels) =>
        labels.ToDictionary(label => label.Key, label => label.Value, StringComparer.Ordinal);
}
