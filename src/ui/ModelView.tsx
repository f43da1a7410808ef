import { useEffect, useRef } from 'react';
import { softwareGraphics } from '../viewer/mprViewer';
import { BED_CELL_MM, BED_SIZE_MM, ModelScene } from '../preview/modelScene';
import { getModelMeshes, useModelStore } from '../store/modelStore';

/** The 3D preview of the model on a print bed (three.js lives in src/preview). */
export function ModelView() {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const sceneRef = useRef<ModelScene | undefined>(undefined);
  const version = useModelStore((s) => s.modelVersion);
  const opacity = useModelStore((s) => s.opacity);
  const modelOpacity = useModelStore((s) => s.modelOpacity);
  const set = useModelStore((s) => s.set);

  // The model version handed to the scene; its next frame shows it.
  const shownVersion = useRef(-1);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const onFrame = (): void => useModelStore.getState().previewShown(shownVersion.current);
    const scene = new ModelScene(canvas, { softwareGraphics: softwareGraphics(), onFrame });
    sceneRef.current = scene;
    const observer = new ResizeObserver(() => scene.resize(canvas.clientWidth, canvas.clientHeight));
    observer.observe(canvas);
    scene.resize(canvas.clientWidth, canvas.clientHeight);
    return () => {
      observer.disconnect();
      scene.dispose();
      sceneRef.current = undefined;
    };
  }, []);

  useEffect(() => {
    const opacityNow = useModelStore.getState().opacity;
    shownVersion.current = version;
    sceneRef.current?.setModels(getModelMeshes().map((m) => ({ ...m, opacity: opacityNow })));
  }, [version]);

  useEffect(() => {
    for (const m of getModelMeshes()) sceneRef.current?.setOpacity(m.name, modelOpacity[m.name] ?? opacity);
  }, [opacity, modelOpacity, version]);

  return (
    <figure className="model-view">
      <canvas ref={canvasRef} aria-label="3D model preview" data-testid="model-canvas" />
      <figcaption>
        <span>
          Print bed {BED_SIZE_MM} × {BED_SIZE_MM} mm, grid {BED_CELL_MM} mm. Drag to turn, right-drag to pan, wheel to zoom.
        </span>
        <label>
          Opacity{' '}
          <input
            type="range"
            aria-label="Model opacity"
            min={0.1}
            max={1}
            step={0.05}
            value={opacity}
            onChange={(e) => set({ opacity: Number(e.target.value) })}
          />
        </label>
      </figcaption>
    </figure>
  );
}
