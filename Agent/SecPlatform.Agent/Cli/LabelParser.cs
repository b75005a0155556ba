namespace SecPlatform.Agent.Cli;

/// <summary>Parses repeated <c>--label key=value</c> options.</summary>
public static class LabelParser
{
    public static IReadOnlyDictionary<string, string> Parse(IEnumerable<string> labels)
    {
        var parsed = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in labels)
        {
            var separator = label.IndexOf('=');
            var key = separator < 0 ? "" : label[..separator].Trim();
            if (key.Length == 0)
            {
                throw new AgentCliException(AgentExitCode.Usage, $"--label takes key=value, got '{label}'");
            }

            if (!parsed.TryAdd(key, label[(separator + 1)..].Trim()))
            {
                throw new AgentCliException(AgentExitCode.Usage, $"--label {key} is given twice");
            }
        }

        return parsed;
    }
}
