using System.CommandLine;
using System.Text.Json.Nodes;
using SecPlatform.Cli.Install;
using SecPlatform.Cli.Output;
using SecPlatform.Cli.Parsing;
using SecPlatform.Contracts.Admin.V1;
using Command = System.CommandLine.Command;

namespace SecPlatform.Cli.Commands;

/// <summary><c>secplat tokens create|list|revoke</c>: one-time bootstrap tokens that enroll agents.</summary>
public static class TokensCommand
{
    private const string PlatformScope = "platform";

    public static Command Create(CommandRunner runner) => new("tokens", "Create, list and revoke bootstrap tokens")
    {
        CreateCommand(runner),
        ListCommand(runner),
        RevokeCommand(runner),
    };

    /// <summary>Columns of token tables; the status depends on the time it is shown at.</summary>
    private static TableColumn<BootstrapToken>[] Columns(DateTimeOffset now) =>
    [
        new("ID", token => token.Id),
        new("TENANT", token => token.Platform ? PlatformScope : token.TenantId),
        new("USES", token => $"{token.UsedCount}/{token.MaxUses}"),
        new("EXPIRES", token => CellFormat.Time(token.ExpiresAt)),
        new("STATUS", token => StatusOf(token, now)),
        new("LABELS", token => CellFormat.Labels(token.Labels)),
    ];

    private static string StatusOf(BootstrapToken token, DateTimeOffset now) =>
        token.RevokedAt is not null ? "revoked"
        : token.MaxUses > 0 && token.UsedCount >= token.MaxUses ? "used"
        : token.ExpiresAt is not null && token.ExpiresAt.ToDateTimeOffset() <= now ? "expired"
        : "active";

    private static Command CreateCommand(CommandRunner runner)
    {
        var tenant = CliOptions.Tenant("The tenant whose agents the token enrolls");
        var platform = new Option<bool>("--platform") { Description = "Enroll shared platform agents that serve every tenant" };
        var ttl = CliOptions.Duration("--ttl", "How long the token stays valid; default 1h, at most 7d");
        var maxUses = CliOptions.PositiveNumber("--max-uses", "How many agents may register with it; default 1");
        var labels = CliOptions.Labels("--label", "A label the agents will carry (repeatable)");
        var cidrs = new Option<string[]>("--cidr")
        {
            Description = "Accept registrations only from this network, e.g. 10.0.0.0/8 (repeatable)",
            HelpName = "CIDR",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("create", "Create a bootstrap token; it is shown once, with install commands")
        {
            tenant, platform, ttl, maxUses, labels, cidrs,
        };
        command.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValue(tenant)) == !result.GetValue(platform))
            {
                result.AddError("give exactly one of --tenant NAME|ID and --platform");
            }
        });

        runner.Attach(command, async (context, cancellationToken) =>
        {
            LabelParser.TryParse(context.GetValue(labels), out var labelMap, out _);
            var request = new CreateBootstrapTokenRequest
            {
                Tenant = context.GetValue(tenant) ?? string.Empty,
                Platform = context.GetValue(platform),
                TtlSeconds = (long)(context.GetValue(ttl)?.TotalSeconds ?? 0),
                MaxUses = context.GetValue(maxUses),
                Labels = { labelMap.ToDictionary(StringComparer.Ordinal) },
                Cidrs = { context.GetValue(cidrs) ?? [] },
            };
            var server = context.Server;
            var client = await context.ClientAsync(invoker => new BootstrapTokenService.BootstrapTokenServiceClient(invoker), cancellationToken);
            var response = await client.CreateBootstrapTokenAsync(request, context.Call(cancellationToken));
            // The server knows the URL agents must use (--public-url) and the pin of its key; an older server says neither.
            var serverUrl = response.ServerUrl is { Length: > 0 } publicUrl ? publicUrl : server.GetLeftPart(UriPartial.Authority);
            var pin = response.ServerPin is { Length: > 0 } serverPin ? serverPin : null;
            var install = InstallCommands.Build(response.Secret, serverUrl, pin, response.Token.Labels);
            if (context.Output.IsJson)
            {
                context.Output.WriteJson(CreatedJson(response, install, serverUrl, pin));
            }
            else
            {
                WriteCreated(context.Output.Text, response, install, pin);
            }
        });
        return command;
    }

    /// <summary>The JSON of a created token: exactly the fields install scripts rely on.</summary>
    public static JsonObject CreatedJson(CreateBootstrapTokenResponse response, InstallCommands install, string serverUrl, string? pin)
    {
        var token = ProtoJsonConverter.ToJson(response.Token);
        return new JsonObject
        {
            ["id"] = token["id"]?.DeepClone(),
            ["token"] = response.Secret,
            ["expiresAt"] = token["expiresAt"]?.DeepClone(),
            ["serverUrl"] = serverUrl,
            ["pin"] = pin,
            ["installCommands"] = new JsonObject
            {
                ["linux"] = install.Linux,
                ["windows"] = install.Windows,
                ["macos"] = install.MacOs,
            },
            ["tenantId"] = token["tenantId"]?.DeepClone(),
            ["platform"] = token["platform"]?.DeepClone(),
            ["maxUses"] = token["maxUses"]?.DeepClone(),
            ["labels"] = token["labels"]?.DeepClone(),
        };
    }

    private static void WriteCreated(TextWriter output, CreateBootstrapTokenResponse response, InstallCommands install, string? pin)
    {
        var token = response.Token;
        var scope = token.Platform ? "platform agents" : $"tenant {token.TenantId}";
        var uses = token.MaxUses == 1 ? "1 use" : $"{token.MaxUses} uses";
        output.WriteLine($"Bootstrap token {token.Id} for {scope}, {uses}, expires {CellFormat.Time(token.ExpiresAt)}.");
        output.WriteLine("It is shown only now; store it or use it right away:");
        output.WriteLine();
        output.WriteLine($"  {response.Secret}");
        output.WriteLine();
        if (token.Labels.Count > 0)
        {
            output.WriteLine($"Agents enrolled with it carry the labels {CellFormat.Labels(token.Labels)}.");
            output.WriteLine();
        }

        if (pin is not null)
        {
            output.WriteLine($"Server pin (what installers and agents check the control plane's TLS key against): {pin}");
            output.WriteLine();
        }

        output.WriteLine("Install on Linux:");
        output.WriteLine($"  {install.Linux}");
        output.WriteLine();
        output.WriteLine("Install on Windows (PowerShell as Administrator):");
        output.WriteLine($"  {install.Windows}");
        output.WriteLine();
        output.WriteLine("Install on macOS:");
        output.WriteLine($"  {install.MacOs}");
        if (!install.Pinned)
        {
            output.WriteLine();
            output.WriteLine(InstallCommands.PlainHttpNote);
        }
    }

    private static Command ListCommand(CommandRunner runner)
    {
        var tenant = CliOptions.Tenant("Only tokens of this tenant");
        var command = new Command("list", "List bootstrap tokens (never their secrets)") { tenant };
        var paging = PagingOptions.AddTo(command);
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new BootstrapTokenService.BootstrapTokenServiceClient(invoker), cancellationToken);
            var request = new ListBootstrapTokensRequest
            {
                Tenant = context.GetValue(tenant) ?? string.Empty,
                PageSize = paging.PageSize(context),
                PageToken = paging.PageToken(context),
            };
            var page = await client.ListBootstrapTokensAsync(request, context.Call(cancellationToken));
            context.Output.WriteList(page.Items, page.NextPageToken, Columns(context.Environment.Time.GetUtcNow()));
        });
        return command;
    }

    private static Command RevokeCommand(CommandRunner runner)
    {
        var id = new Argument<string>("ID") { Description = "The token id (the middle part of spbt_<id>_<secret>)" };
        var command = new Command("revoke", "Revoke a bootstrap token: no further registration can use it") { id };
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new BootstrapTokenService.BootstrapTokenServiceClient(invoker), cancellationToken);
            var token = await client.RevokeBootstrapTokenAsync(new RevokeBootstrapTokenRequest { Id = context.GetValue(id) }, context.Call(cancellationToken));
            context.Output.WriteRow(token, Columns(context.Environment.Time.GetUtcNow()));
        });
        return command;
    }
}
