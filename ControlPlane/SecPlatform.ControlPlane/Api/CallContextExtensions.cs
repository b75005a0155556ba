using System.Net;
using Grpc.Core;
using SecPlatform.ControlPlane.Core.Services;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Api;

/// <summary>Reads who is calling from a gRPC (or JSON-transcoded) call.</summary>
internal static class CallContextExtensions
{
    private const string AdminKey = "secplatform.admin";

    public static IPAddress? PeerIp(this ServerCallContext context) =>
        PeerAddress.Normalize(context.GetHttpContext().Connection.RemoteIpAddress);

    public static string? BearerToken(this ServerCallContext context)
    {
        var header = context.RequestHeaders.GetValue("authorization");
        const string prefix = "Bearer ";
        return header is not null && header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? header[prefix.Length..].Trim() : null;
    }

    public static async Task<AdminPrincipal> AdminAsync(this ServerCallContext context, AdminAuthenticator authenticator)
    {
        var principal = await authenticator.AuthenticateAsync(context.BearerToken(), context.PeerIp()?.ToString() ?? "", context.CancellationToken);
        context.UserState[AdminKey] = principal;
        // The rest of the call touches only the admin's tenant's rows, or every tenant's for an admin bound to none.
        TenantContext.Use(TenantContext.ForCaller(principal.TenantId));
        return principal;
    }

    /// <summary>The admin authenticated earlier in this call, if any (for auditing refusals).</summary>
    public static AdminPrincipal? AuthenticatedAdmin(this ServerCallContext context) =>
        context.UserState.TryGetValue(AdminKey, out var value) ? value as AdminPrincipal : null;

    /// <summary>A page request from the API's page_size and page_token.</summary>
    public static PageRequest Page(int pageSize, string? pageToken)
    {
        if (pageSize < 0)
        {
            throw DomainException.Invalid("page_size must not be negative");
        }

        if (!PageCursor.TryDecode(pageToken, out var cursor))
        {
            throw DomainException.Invalid("page_token is not a cursor from a previous page");
        }

        return new PageRequest(pageSize == 0 ? PageRequest.DefaultLimit : Math.Min(pageSize, PageRequest.MaxLimit), cursor);
    }

    /// <summary>The next page token: the cursor of the last item when the page was full, else empty.</summary>
    public static string NextPageToken<T>(IReadOnlyList<T> items, PageRequest page, Func<T, PageCursor> cursorOf) =>
        items.Count == page.Limit && items.Count > 0 ? cursorOf(items[^1]).Encode() : "";
}
