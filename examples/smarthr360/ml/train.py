import pickle

pickle.dump({"weights": [0.1, 0.2]}, open("model.pkl", "wb"))
