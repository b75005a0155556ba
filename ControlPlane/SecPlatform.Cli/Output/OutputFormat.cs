namespace SecPlatform.Cli.Output;

public enum OutputFormat
{
    Table,
    Json,
    /// <summary>RFC 4180 CSV of a list's table columns (see <see cref="CsvWriter"/>).</summary>
    Csv,
}
