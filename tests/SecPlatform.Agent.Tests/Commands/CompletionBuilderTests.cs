using SecPlatform.Agent.Commands;
using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Outbox;
using SecPlatform.Agent.Scanners;
using SecPlatform.Agent.Tests.Support;

namespace SecPlatform.Agent.Tests.Commands;

public sealed class CompletionBuilderTests
{
    private static readonly SecPlatform.Contracts.Agent.V1.AssignedCommand Command = Samples.Command("cmd000000001", "shellcheck", "/srv", fencingToken: 4);

    [Theory]
    [InlineData(ScanOutcome.Succeeded, null, CompletionOutcome.Succeeded, false)]
    [InlineData(ScanOutcome.Succeeded, StopReason.SelfFenced, CompletionOutcome.Succeeded, false)]
    [InlineData(ScanOutcome.Canceled, StopReason.StopRequested, CompletionOutcome.Canceled, false)]
    [InlineData(ScanOutcome.Canceled, StopReason.SelfFenced, CompletionOutcome.Failed, true)]
    [InlineData(ScanOutcome.Canceled, StopReason.Superseded, CompletionOutcome.Failed, true)]
    [InlineData(ScanOutcome.Canceled, StopReason.Shutdown, CompletionOutcome.Failed, true)]
    [InlineData(ScanOutcome.Canceled, StopReason.ClaimLost, CompletionOutcome.Failed, true)]
    [InlineData(ScanOutcome.Canceled, StopReason.Deadline, CompletionOutcome.Failed, false)]
    [InlineData(ScanOutcome.TimedOut, null, CompletionOutcome.Failed, false)]
    [InlineData(ScanOutcome.TimedOut, StopReason.Deadline, CompletionOutcome.Failed, false)]
    [InlineData(ScanOutcome.Refused, null, CompletionOutcome.Failed, false)]
    public void FromRun_OutcomeAndStopReason_MapToTheCompletion(ScanOutcome outcome, StopReason? reason, CompletionOutcome expected, bool retryable)
    {
        var completion = CompletionBuilder.FromRun(Command, Run(outcome, retryable: true), reason);

        Assert.Equal((expected, retryable), (completion.Outcome, completion.Retryable));
        Assert.Equal(("cmd000000001", 4L), (completion.CommandId, completion.FencingToken));
    }

    [Fact]
    public void FromRun_SelfFenced_SaysSoInTheError()
    {
        var completion = CompletionBuilder.FromRun(Command, Run(ScanOutcome.Canceled), StopReason.SelfFenced);

        Assert.StartsWith("self-fenced: lease may be lost", completion.Error);
    }

    [Fact]
    public void FromRun_Refused_TheReasonIsTheError()
    {
        var completion = CompletionBuilder.FromRun(Command, Run(ScanOutcome.Refused, reason: "path /etc is outside the allowed roots"), null);

        Assert.Equal("path /etc is outside the allowed roots", completion.Error);
        Assert.Equal(-1, completion.ExitCode);
    }

    [Fact]
    public void FromRun_Failed_KeepsTheEnginesRetryable()
    {
        Assert.True(CompletionBuilder.FromRun(Command, Run(ScanOutcome.Failed, retryable: true), null).Retryable);
        Assert.False(CompletionBuilder.FromRun(Command, Run(ScanOutcome.Failed, retryable: false), null).Retryable);
    }

    [Fact]
    public void FromRun_PartialParse_TruncatedWithExitCodeDurationAndSummary()
    {
        var run = Run(ScanOutcome.Succeeded, exitCode: 1, parse: ParseStatus.Partial, findings: 2) with { Duration = TimeSpan.FromMilliseconds(1234) };

        var completion = CompletionBuilder.FromRun(Command, run, null);

        Assert.True(completion.Truncated);
        Assert.Equal((1, 1234L), (completion.ExitCode, completion.DurationMs));
        Assert.Equal("shellcheck succeeded: 2 findings, exit 1, parse partial, truncated", completion.Summary);
    }

    [Theory]
    [InlineData(ParseStatus.Complete, false, false)]
    [InlineData(ParseStatus.Complete, true, true)]
    [InlineData(ParseStatus.Partial, false, true)]
    [InlineData(ParseStatus.Failed, false, true)]
    [InlineData(ParseStatus.NotParsed, false, true)]
    public void FromRun_Succeeded_TruncatedUnlessTheRunIsComplete(ParseStatus parse, bool cut, bool expected)
    {
        var run = Run(ScanOutcome.Succeeded, parse: parse) with { Truncated = cut };

        Assert.Equal(run.IsComplete, !expected);
        Assert.Equal(expected, CompletionBuilder.FromRun(Command, run, null).Truncated);
    }

    [Fact]
    public void FromRun_LongLogTail_KeepsTheLast16KiB()
    {
        var run = Run(ScanOutcome.Succeeded) with { LogTail = "head" + new string('x', 20_000) + "end" };

        var completion = CompletionBuilder.FromRun(Command, run, null);

        Assert.Equal(16 * 1024, completion.LogTail.Length);
        Assert.EndsWith("end", completion.LogTail);
    }

    [Fact]
    public void NotRun_StopRequested_CanceledWithoutAScan()
    {
        var completion = CompletionBuilder.NotRun(Command, StopReason.StopRequested);

        Assert.Equal((CompletionOutcome.Canceled, false, -1, 0L), (completion.Outcome, completion.Retryable, completion.ExitCode, completion.FindingCount));
    }

    private static ScanRun Run(ScanOutcome outcome, bool retryable = false, string? reason = null, int? exitCode = null, ParseStatus parse = ParseStatus.Complete, int findings = 0) =>
        new("cmd000000001", "shellcheck", outcome, DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(1), exitCode, false,
            outcome == ScanOutcome.Succeeded ? parse : ParseStatus.NotParsed, [.. Samples.ManyFindings(findings)], "tail",
            outcome == ScanOutcome.Succeeded ? null : reason ?? "it failed", retryable, [], null);
}
