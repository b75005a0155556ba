namespace SecPlatform.Benchmarks.Infrastructure;

/// <summary>
/// Last-resort cleanup of what the run started (control-plane processes, the throwaway PostgreSQL), for Ctrl+C and
/// process exit. The normal path disposes them in order; these actions are idempotent.
/// </summary>
internal static class Cleanup
{
    private static readonly List<Action> Actions = [];

    public static void Register(Action action)
    {
        lock (Actions)
        {
            Actions.Add(action);
        }
    }

    public static void RunAll()
    {
        Action[] actions;
        lock (Actions)
        {
            actions = [.. Actions];
            Actions.Clear();
        }

        // Processes first (registered later), the database last.
        foreach (var action in actions.Reverse())
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"cleanup: {e.Message}");
            }
        }
    }
}
