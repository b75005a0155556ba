namespace SecPlatform.Agent.Tests.Support;

/// <summary>A <see cref="Random"/> whose NextDouble returns the given values in turn (the last one repeats).</summary>
public sealed class ScriptedRandom(params double[] values) : Random
{
    private int _next;

    public override double NextDouble()
    {
        var index = Math.Min(Interlocked.Increment(ref _next) - 1, values.Length - 1);
        return values[index];
    }
}
