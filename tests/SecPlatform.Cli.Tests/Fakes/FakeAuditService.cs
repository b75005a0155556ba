using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Fakes;

/// <summary>The chain verifies unless the expected head is "tampered", which breaks it at sequence 7.</summary>
public sealed class FakeAuditService(FakeState state) : AuditService.AuditServiceBase
{
    public override Task<VerifyAuditChainResponse> VerifyAuditChain(VerifyAuditChainRequest request, ServerCallContext context)
    {
        state.Record(request);
        return Task.FromResult(request.ExpectedHeadHash == "tampered"
            ? new VerifyAuditChainResponse { Ok = false, Count = 9, FirstBrokenSequence = 7, Problem = "hash mismatch:\nrow was edited" }
            : new VerifyAuditChainResponse { Ok = true, Count = 9, HeadHash = "c0ffee" });
    }
}
