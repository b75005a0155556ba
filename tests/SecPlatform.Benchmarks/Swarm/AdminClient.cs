using Grpc.Core;
using Grpc.Net.Client;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Benchmarks.Swarm;

/// <summary>The admin API, as the benchmark's set-up uses it (tenants, tokens, enqueue).</summary>
internal sealed class AdminClient(GrpcChannel channel, string adminKey)
{
    private readonly Metadata _headers = new() { { "authorization", "Bearer " + adminKey } };
    private readonly TenantService.TenantServiceClient _tenants = new(channel);
    private readonly BootstrapTokenService.BootstrapTokenServiceClient _tokens = new(channel);
    private readonly CommandService.CommandServiceClient _commands = new(channel);

    public async Task<string> CreateTenantAsync(string name, CancellationToken cancellationToken) =>
        (await _tenants.CreateTenantAsync(new CreateTenantRequest { Name = name }, Options(cancellationToken))).Id;

    public async Task<(string Id, string Secret)> CreateTokenAsync(string tenant, int maxUses, CancellationToken cancellationToken)
    {
        var created = await _tokens.CreateBootstrapTokenAsync(
            new CreateBootstrapTokenRequest { Tenant = tenant, MaxUses = maxUses, TtlSeconds = 86_400 }, Options(cancellationToken));
        return (created.Token.Id, created.Secret);
    }

    public async Task<Command> EnqueueAsync(string tenant, string path, CancellationToken cancellationToken) =>
        await _commands.EnqueueCommandAsync(new EnqueueCommandRequest
        {
            Tenant = tenant,
            Scanner = "shellcheck",
            Parameters = { ["path"] = path },
        }, Options(cancellationToken));

    private CallOptions Options(CancellationToken cancellationToken) =>
        new(_headers, DateTime.UtcNow.AddSeconds(60), cancellationToken);
}
