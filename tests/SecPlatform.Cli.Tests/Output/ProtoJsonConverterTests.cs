using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using SecPlatform.Cli.Output;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Output;

public sealed class ProtoJsonConverterTests
{
    private static readonly DateTime RenewTime = new(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    [Fact]
    public void ToJson_Agent_UsesLowerCamelCaseNames()
    {
        var json = ProtoJsonConverter.ToJson(SampleAgent());

        Assert.Equal("ag1", json["id"]!.GetValue<string>());
        Assert.Equal("tn1", json["tenantId"]!.GetValue<string>());
        Assert.Equal("bt1", json["bootstrapTokenId"]!.GetValue<string>());
        Assert.Equal(40, json["lease"]!["leaseDurationSeconds"]!.GetValue<int>());
        Assert.DoesNotContain(json, property => property.Key.Contains('_'));
    }

    [Fact]
    public void ToJson_Enums_AreLowercaseWordsWithoutTypePrefix()
    {
        Assert.Equal("online", ProtoJsonConverter.ToJson(SampleAgent())["health"]!.GetValue<string>());
        Assert.Equal("super_admin", ProtoJsonConverter.ToJson(new AdminUser { Role = AdminRole.SuperAdmin })["role"]!.GetValue<string>());
        Assert.Equal("ops_admin", ProtoJsonConverter.ToJson(new AdminUser { Role = AdminRole.OpsAdmin })["role"]!.GetValue<string>());
    }

    [Fact]
    public void ToJson_UnspecifiedEnum_IsNull()
    {
        var json = ProtoJsonConverter.ToJson(new AdminUser());

        Assert.True(json.ContainsKey("role"));
        Assert.Null(json["role"]);
    }

    [Fact]
    public void ToJson_Timestamps_AreRfc3339Utc()
    {
        var agent = SampleAgent();
        agent.RegisteredAt = Timestamp.FromDateTime(RenewTime.AddMilliseconds(250));

        var json = ProtoJsonConverter.ToJson(agent);

        Assert.Equal("2025-01-02T03:04:05Z", json["lease"]!["renewTime"]!.GetValue<string>());
        Assert.Equal("2025-01-02T03:04:05.25Z", json["registeredAt"]!.GetValue<string>());
    }

    [Fact]
    public void ToJson_UnsetTimestampsAndEmptyStrings_AreNullButPresent()
    {
        var json = ProtoJsonConverter.ToJson(new AdminUser { Id = "ad1" });

        Assert.True(json.ContainsKey("revokedAt"));
        Assert.Null(json["revokedAt"]);
        Assert.True(json.ContainsKey("tenantId"));
        Assert.Null(json["tenantId"]);
    }

    [Fact]
    public void ToJson_UnsetMessage_IsNull()
    {
        var json = ProtoJsonConverter.ToJson(new Agent { Id = "ag1" });

        Assert.True(json.ContainsKey("lease"));
        Assert.Null(json["lease"]);
    }

    [Fact]
    public void ToJson_Maps_AreObjects()
    {
        var labels = ProtoJsonConverter.ToJson(SampleAgent())["labels"]!.AsObject();

        Assert.Equal(["env", "zone"], labels.Select(label => label.Key));
        Assert.Equal("prod", labels["env"]!.GetValue<string>());
        Assert.Equal(string.Empty, labels["zone"]!.GetValue<string>());
    }

    [Fact]
    public void ToJson_RepeatedFields_AreArrays()
    {
        var json = ProtoJsonConverter.ToJson(SampleAgent());
        var capabilities = json["capabilities"]!.AsArray();

        Assert.Single(capabilities);
        Assert.Equal("shellcheck", capabilities[0]!["scanner"]!.GetValue<string>());
        Assert.Empty(ProtoJsonConverter.ToJson(new BootstrapToken())["cidrs"]!.AsArray());
    }

    [Fact]
    public void ToJson_Int64AndBool_AreJsonNumbersAndBooleans()
    {
        var json = ProtoJsonConverter.ToJson(new AuditEvent { Sequence = 9_000_000_000 });
        var agent = ProtoJsonConverter.ToJson(SampleAgent());

        Assert.Equal("9000000000", json["sequence"]!.ToJsonString());
        Assert.Equal("true", agent["cordoned"]!.ToJsonString());
        Assert.Equal("false", agent["revoked"]!.ToJsonString());
    }

    [Fact]
    public void ToJsonList_WithNextPage_HasItemsAndNextCursor()
    {
        var json = ProtoJsonConverter.ToJsonList([new Tenant { Id = "t1" }, new Tenant { Id = "t2" }], "cursor-2");

        Assert.Equal(["items", "nextCursor"], json.Select(property => property.Key));
        Assert.Equal(2, json["items"]!.AsArray().Count);
        Assert.Equal("t2", json["items"]![1]!["id"]!.GetValue<string>());
        Assert.Equal("cursor-2", json["nextCursor"]!.GetValue<string>());
    }

    [Fact]
    public void ToJsonList_LastPage_HasNullNextCursor()
    {
        var json = ProtoJsonConverter.ToJsonList(Array.Empty<Tenant>(), string.Empty);

        Assert.Empty(json["items"]!.AsArray());
        Assert.True(json.ContainsKey("nextCursor"));
        Assert.Null(json["nextCursor"]);
        Assert.Equal("""{"items":[],"nextCursor":null}""", json.ToJsonString());
    }

    private static Agent SampleAgent() => new()
    {
        Id = "ag1",
        Name = "web-1",
        TenantId = "tn1",
        Health = AgentHealth.Online,
        Cordoned = true,
        BootstrapTokenId = "bt1",
        Labels = { ["zone"] = string.Empty, ["env"] = "prod" },
        Capabilities = { new AgentCapability { Scanner = "shellcheck", Version = "0.9.0" } },
        Lease = new AgentLease
        {
            HolderIdentity = "host:1:abc",
            LeaseDurationSeconds = 40,
            RenewTime = Timestamp.FromDateTime(RenewTime),
        },
    };
}
