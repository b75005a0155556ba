using SecPlatform.Cli.Output;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Output;

public sealed class ProtoEnumNamesTests
{
    [Theory]
    [InlineData("AgentHealth", "AGENT_HEALTH")]
    [InlineData("AdminRole", "ADMIN_ROLE")]
    [InlineData("HTTPMethod", "HTTP_METHOD")]
    [InlineData("Sha256Kind", "SHA256_KIND")]
    public void ToUpperSnake_TypeName_ReturnsProtoPrefix(string name, string expected) =>
        Assert.Equal(expected, ProtoEnumNames.ToUpperSnake(name));

    [Fact]
    public void ToWord_GeneratedEnum_StripsPrefixAndLowercases()
    {
        Assert.Equal("offline", ProtoEnumNames.ToWord(AgentHealth.Offline));
        Assert.Equal("readonly", ProtoEnumNames.ToWord(AdminRole.Readonly));
        Assert.Null(ProtoEnumNames.ToWord(AgentHealth.Unspecified));
    }

    [Theory]
    [InlineData("super_admin", AdminRole.SuperAdmin)]
    [InlineData("OPS_ADMIN", AdminRole.OpsAdmin)]
    [InlineData("readonly", AdminRole.Readonly)]
    public void TryFromWord_KnownWord_ReturnsValue(string word, AdminRole expected)
    {
        Assert.True(ProtoEnumNames.TryFromWord<AdminRole>(word, out var role));
        Assert.Equal(expected, role);
    }

    [Fact]
    public void TryFromWord_UnknownWord_ReturnsFalse() =>
        Assert.False(ProtoEnumNames.TryFromWord<AdminRole>("root", out _));

    [Fact]
    public void Words_AdminRole_ListsSetValuesOnly() =>
        Assert.Equal(["super_admin", "ops_admin", "readonly"], ProtoEnumNames.Words<AdminRole>());
}
