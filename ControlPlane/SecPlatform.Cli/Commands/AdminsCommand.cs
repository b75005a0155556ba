using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json.Nodes;
using SecPlatform.Cli.Output;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.Contracts.Secrets;
using Command = System.CommandLine.Command;

namespace SecPlatform.Cli.Commands;

/// <summary><c>secplat admins create|list|rotate-key|revoke|whoami</c>.</summary>
public static class AdminsCommand
{
    public const string ApiKeyProperty = "apiKey";
    public const string KeyFileStaleProperty = "keyFileStale";

    private static readonly TableColumn<AdminUser>[] Columns =
    [
        new("ID", admin => admin.Id),
        new("NAME", admin => admin.Name),
        new("ROLE", admin => CellFormat.Word(admin.Role)),
        new("TENANT", admin => admin.TenantId),
        new("CREATED", admin => CellFormat.Time(admin.CreatedAt)),
        new("STATUS", admin => admin.RevokedAt is null ? "active" : "revoked"),
    ];

    public static Command Create(CommandRunner runner) => new("admins", "Manage admin users and their API keys")
    {
        CreateCommand(runner),
        ListCommand(runner),
        RotateKeyCommand(runner),
        RevokeCommand(runner),
        WhoAmICommand(runner),
    };

    private static Command CreateCommand(CommandRunner runner)
    {
        var name = new Argument<string>("NAME") { Description = "A name for the admin" };
        var roles = string.Join('|', ProtoEnumNames.Words<AdminRole>());
        var role = new Option<AdminRole>("--role")
        {
            Description = "What the admin may do",
            HelpName = roles,
            Required = true,
            CustomParser = result => ParseRole(result, roles),
        };
        var tenant = CliOptions.Tenant("Bind the admin to one tenant; it sees and touches nothing else");
        var command = new Command("create", "Create an admin; its API key is shown once") { name, role, tenant };
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new AdminUserService.AdminUserServiceClient(invoker), cancellationToken);
            var request = new CreateAdminUserRequest
            {
                Name = context.GetValue(name),
                Role = context.GetValue(role),
                Tenant = context.GetValue(tenant) ?? string.Empty,
            };
            var response = await client.CreateAdminUserAsync(request, context.Call(cancellationToken));
            if (context.Output.IsJson)
            {
                context.Output.WriteJson(WithKey(response.Admin, response.ApiKey));
                return;
            }

            var admin = response.Admin;
            var scope = string.IsNullOrEmpty(admin.TenantId) ? "the whole platform" : $"tenant {admin.TenantId}";
            var output = context.Output.Text;
            output.WriteLine($"Admin {admin.Name} ({admin.Id}) created: {CellFormat.Word(admin.Role)} of {scope}.");
            output.WriteLine("Its API key is shown only now; store it:");
            output.WriteLine();
            output.WriteLine($"  {response.ApiKey}");
        });
        return command;
    }

    private static Command ListCommand(CommandRunner runner)
    {
        var command = new Command("list", "List admins (never their keys)");
        var paging = PagingOptions.AddTo(command);
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new AdminUserService.AdminUserServiceClient(invoker), cancellationToken);
            var request = new ListAdminUsersRequest { PageSize = paging.PageSize(context), PageToken = paging.PageToken(context) };
            var page = await client.ListAdminUsersAsync(request, context.Call(cancellationToken));
            context.Output.WriteList(page.Items, page.NextPageToken, Columns);
        });
        return command;
    }

    private static Command RotateKeyCommand(CommandRunner runner)
    {
        var id = new Argument<string?>("ID")
        {
            Description = "The admin whose key to rotate; default: the caller",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("rotate-key", "Issue a new API key; the old one stops working at once") { id };
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new AdminUserService.AdminUserServiceClient(invoker), cancellationToken);
            var request = new RotateAdminKeyRequest { AdminId = context.GetValue(id) ?? string.Empty };
            var response = await client.RotateAdminKeyAsync(request, context.Call(cancellationToken));

            // The key id is the admin id (spadm_<adminId>_<secret>): if the key file's key belonged to
            // the rotated admin, that file now holds a dead key.
            var keyFile = context.ApiKey.KeyFilePath;
            var staleKeyFile = keyFile is not null
                && SecretToken.TryParse(context.ApiKey.Value, SecretKind.AdminKey, out var usedKey)
                && usedKey.Id == response.Admin.Id;
            var staleNotice = $"the key file {keyFile} still holds the old key and is now stale: use the new key with --api-key or {CliEnvironment.ApiKeyVariable}";

            if (context.Output.IsJson)
            {
                var json = WithKey(response.Admin, response.ApiKey);
                json[KeyFileStaleProperty] = staleKeyFile;
                context.Output.WriteJson(json);
                if (staleKeyFile)
                {
                    CommandRunner.WriteError(context.Environment.Error, "note: " + staleNotice);
                }

                return;
            }

            var output = context.Output.Text;
            output.WriteLine($"New API key for admin {response.Admin.Name} ({response.Admin.Id}); the old key no longer works.");
            output.WriteLine("It is shown only now; store it:");
            output.WriteLine();
            output.WriteLine($"  {response.ApiKey}");
            if (staleKeyFile)
            {
                output.WriteLine();
                output.WriteLine($"Note: {staleNotice}.");
            }
        });
        return command;
    }

    private static Command RevokeCommand(CommandRunner runner)
    {
        var id = new Argument<string>("ID") { Description = "The admin id" };
        var command = new Command("revoke", "Revoke an admin: its key stops working") { id };
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new AdminUserService.AdminUserServiceClient(invoker), cancellationToken);
            var admin = await client.RevokeAdminUserAsync(new RevokeAdminUserRequest { AdminId = context.GetValue(id) }, context.Call(cancellationToken));
            context.Output.WriteRow(admin, Columns);
        });
        return command;
    }

    private static Command WhoAmICommand(CommandRunner runner)
    {
        var command = new Command("whoami", "Show the admin the API key belongs to");
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new AdminUserService.AdminUserServiceClient(invoker), cancellationToken);
            var admin = await client.WhoAmIAsync(new WhoAmIRequest(), context.Call(cancellationToken));
            context.Output.WriteDetail(admin);
        });
        return command;
    }

    /// <summary>An admin's fields plus its new key, flat, so scripts read <c>.id</c> and <c>.apiKey</c>.</summary>
    private static JsonObject WithKey(AdminUser admin, string apiKey)
    {
        var json = ProtoJsonConverter.ToJson(admin);
        json[ApiKeyProperty] = apiKey;
        return json;
    }

    private static AdminRole ParseRole(ArgumentResult result, string roles)
    {
        var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
        if (ProtoEnumNames.TryFromWord<AdminRole>(text, out var role) && role != AdminRole.Unspecified)
        {
            return role;
        }

        result.AddError($"--role must be one of {roles.Replace("|", ", ", StringComparison.Ordinal)}, not '{text}'");
        return AdminRole.Unspecified;
    }
}
