using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Tests.Support;

namespace SecPlatform.Agent.Tests.Findings;

public sealed class SecretMaskerTests
{
    [Theory]
    [InlineData("aws_secret_access_key = Zq8mR2vT5xW9yB3nC6fH1jK4lP7sD0gA2eU5iO8r", "Zq8mR2vT5xW9yB3nC6fH1jK4lP7sD0gA2eU5iO8r")]
    [InlineData("key id AKIAQ3EGRTYUIOPA2B7C in use", "Q3EGRTYUIOPA2B7C")]
    [InlineData("const token = \"ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ\";", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ")]
    [InlineData("SLACK=xoxb-123456789012-1234567890123-abcdefghijABCDEFGHIJklmn", "123456789012-1234567890123")]
    [InlineData("Possible hardcoded password: 'hunter2secret'", "hunter2secret")]
    [InlineData("2 password = \"hunter2secret\"\n3 login(password=\"hunter2secret\")", "hunter2secret")]
    [InlineData("{\"code\": \"2 password = \\\"hunter2secret\\\"\\n\"}", "hunter2secret")]
    [InlineData("\"api_key\": \"sk_live_abcdefghijklmnop1234\"", "abcdefghijklmnop1234")]
    [InlineData("DB_PASSWORD=s3cr3t-value", "s3cr3t-value")]
    [InlineData("clone https://deploy:tok3nValue@git.example.com/repo.git", "tok3nValue")]
    [InlineData("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn\n-----END RSA PRIVATE KEY-----", "MIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn")]
    [InlineData("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ (cut", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ")]
    [InlineData("random blob xK9mP2qR7vT4wY6zA1bC3dE5fG8hJ0kL2mN4pQ6r end", "xK9mP2qR7vT4wY6zA1bC3dE5fG8hJ0kL2mN4pQ6r")]
    public void MaskSecrets_SecretShapes_AreMasked(string text, string secret)
    {
        var masked = SecretMasker.MaskSecrets(text);

        Assert.DoesNotContain(secret, masked);
        Assert.Contains(SecretMasker.Mask, masked);
    }

    [Fact]
    public void MaskSecrets_PlatformKeys_AreMasked()
    {
        var key = Secrets.AgentKey();

        var masked = SecretMasker.MaskSecrets($"key {key.Value} leaked");

        Assert.DoesNotContain(key.Secret, masked);
        Assert.StartsWith("key spak_****", masked);
    }

    [Theory]
    [InlineData("Double quote to prevent globbing and word splitting.")]
    [InlineData("void copy(char *s) { char buf[10]; strcpy(buf, s); }")]
    [InlineData("d7cd73585fa1d46ab7fc1486399c5b7b1138d7acf804cc249d1fa482a4ea8046")]
    [InlineData("Use of possibly insecure function - consider using safer ast.literal_eval.")]
    [InlineData("tcp/22 is open on 127.0.0.1 (service by port number: ssh)")]
    public void MaskSecrets_OrdinaryText_IsUnchanged(string text)
    {
        Assert.Equal(text, SecretMasker.MaskSecrets(text));
    }

    [Fact]
    public void Clean_LongEvidence_IsBoundedAndMasked()
    {
        var text = "password = 'hunter2secret' " + new string('x', 10_000);

        var cleaned = FindingText.Clean(text, FindingLimits.MaxEvidenceChars, keepLines: true);

        Assert.True(cleaned.Length <= FindingLimits.MaxEvidenceChars);
        Assert.DoesNotContain("hunter2secret", cleaned);
    }

    [Fact]
    public void Clean_ControlCharacters_BecomeSpaces()
    {
        Assert.Equal("a b\tc\nd", FindingText.Clean("a\u0001b\tc\nd\u0007", 100, keepLines: true));
        Assert.Equal("a b c d", FindingText.Clean("a\u001bb\tc\nd", 100));
    }
}
