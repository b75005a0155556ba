namespace SecPlatform.Cli.Output;

public enum OutputFormat
{
    Table,
    Json,
}
