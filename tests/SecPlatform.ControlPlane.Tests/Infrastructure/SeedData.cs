using Microsoft.Extensions.DependencyInjection;
using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Tests.Infrastructure;

/// <summary>Fills the store behind a test control plane directly, for backlogs too big to enqueue call by call.</summary>
public static class SeedData
{
    public static async Task SeedCommandsAsync(this TestControlPlane cp, string tenantId, int count, DateTimeOffset createdAt)
    {
        var queue = cp.Services.GetRequiredService<ICommandQueueStore>();
        // Behind the API, so no caller sets a context: seeding is a platform path (any tenant's rows).
        using var platform = TenantContext.Enter(TenantContext.Platform);
        for (var i = 0; i < count; i++)
        {
            var at = createdAt.AddMilliseconds(i);
            await queue.EnqueueCommandAsync(new Command
            {
                Id = SecretToken.NewId(),
                TenantId = tenantId,
                Scanner = "shellcheck",
                Parameters = new() { ["path"] = $"/srv/{i}" },
                RequiredCapabilities = ["shellcheck"],
                MaxAttempts = 3,
                TimeoutSeconds = 600,
                NotBefore = at,
                ExpiresAt = at.AddDays(1),
                Status = CommandStatus.Queued,
                AvailableAt = at,
                SortKey = Command.ComputeSortKey(at, 0),
                CreatedAt = at,
                CreatedBy = "seed",
            }, CancellationToken.None);
        }
    }
}
