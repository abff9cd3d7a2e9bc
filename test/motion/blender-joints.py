# Run by test/motion/blender.test.ts: blender -b --python blender-joints.py -- <file.bvh|file.glb> <fps> <frame>
# imports the file and prints the joints' world positions at animation frame <frame> (0-based) as JSON, Blender Z-up.
import bpy, json, sys
path, fps, frame = sys.argv[sys.argv.index('--') + 1:][:3]
fps, frame = float(fps), int(frame)
bpy.ops.wm.read_factory_settings(use_empty=True)
scene = bpy.context.scene
scene.render.fps = int(round(fps))
if path.endswith('.bvh'):
    # Debian's Blender 3.4 runs on Python 3.11, where its BVH importer's open(path, 'rU') fails: drop the 'U'.
    import builtins, io_anim_bvh.import_bvh as bvh_importer
    bvh_importer.open = lambda file, mode='r', *rest, **named: builtins.open(file, mode.replace('U', ''), *rest, **named)
    bpy.ops.import_anim.bvh(filepath=path, update_scene_fps=True, update_scene_duration=True)
else:
    # Debian's Blender 3.4 glTF importer uses np.bool, gone in the system's NumPy ≥ 1.24.
    import numpy
    numpy.bool = bool
    bpy.ops.import_scene.gltf(filepath=path)
arm = next(o for o in scene.objects if o.type == 'ARMATURE')
action = arm.animation_data.action
start = action.frame_range[0]
scene.frame_set(int(round(start)) + frame)
meshes = [o for o in scene.objects if o.type == 'MESH']
out = {
    'start': start, 'fps': scene.render.fps, 'frames': action.frame_range[1] - start + 1,
    'mesh_vertices': [len(m.data.vertices) for m in meshes],
    'joints': {b.name: list(arm.matrix_world @ b.head) for b in arm.pose.bones},
}
print('RESULT ' + json.dumps(out))
