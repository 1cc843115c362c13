// The page's entry: registers the lab's components. All computation happens in the engine Worker.
import './labApp.ts';
