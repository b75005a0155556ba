namespace SecPlatform.Cli.Output;

/// <summary>One column of a table: its header and how a row's cell is read (null or empty prints "-").</summary>
public sealed record TableColumn<TRow>(string Header, Func<TRow, string?> Value);
